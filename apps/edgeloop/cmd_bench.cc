#include "edgeloop/cmd_bench.h"

#include <nlohmann/json.hpp>
#include <string>

#include "base/random.h"
#include "edgeloop/exit_code.h"
#include "training/scoring_benchmark.h"

namespace edgeloop::app {
namespace {

using nlohmann::json;

json LatencyJson(const training::LatencyStats& stats) {
  return json{{"p50_us", stats.p50_us}, {"p99_us", stats.p99_us}, {"mean_us", stats.mean_us}};
}

json ReportJson(const training::ScoringBenchmarkReport& r) {
  return json{{"benchmark", "scoring"},
              {"seed", r.seed},
              {"rows", r.options.rows},
              {"model",
               {{"objective", "binary:logistic"},
                {"trees", r.model_trees},
                {"depth", r.options.depth},
                {"max_depth", r.model_max_depth},
                {"features", r.options.features},
                {"nodes", r.model_nodes},
                {"layout", r.layout}}},
              {"peer", "xgboost " + r.xgboost_version + " XGBoosterPredictFromDense, nthread 1"},
              {"single_row",
               {{"ours", LatencyJson(r.ours_single)},
                {"xgboost", LatencyJson(r.xgboost_single)},
                {"speedup_p50", r.single_p50_speedup},
                {"speedup_p99", r.single_p99_speedup}}},
              {"batch",
               {{"passes", r.options.batch_passes},
                {"ours_us_per_row", r.ours_batch_us_per_row},
                {"xgboost_us_per_row", r.xgboost_batch_us_per_row},
                {"speedup", r.batch_speedup}}},
              {"parity",
               {{"max_abs_diff", r.max_abs_diff},
                {"tolerance", training::kScoringParityTolerance},
                {"ok", r.parity_ok}}}};
}

void PrintTable(std::FILE* out, const training::ScoringBenchmarkReport& r) {
  std::fprintf(out, "edge scoring: %zu trees of depth %zu, %zu features, %zu nodes, %s layout\n",
               r.model_trees, r.model_max_depth, r.options.features, r.model_nodes,
               r.layout.c_str());
  std::fprintf(out,
               "peer: XGBoost %s XGBoosterPredictFromDense (nthread 1); %zu rows, seed %llu\n\n",
               r.xgboost_version.c_str(), r.options.rows, static_cast<unsigned long long>(r.seed));
  std::fprintf(out, "%-22s %12s %12s %9s\n", "case", "ours", "xgboost", "speedup");
  std::fprintf(out, "%-22s %9.2f us %9.2f us %8.1fx\n", "single row, p50", r.ours_single.p50_us,
               r.xgboost_single.p50_us, r.single_p50_speedup);
  std::fprintf(out, "%-22s %9.2f us %9.2f us %8.1fx\n", "single row, p99", r.ours_single.p99_us,
               r.xgboost_single.p99_us, r.single_p99_speedup);
  std::fprintf(out, "%-22s %9.2f us %9.2f us %8.1fx\n", "batch, per row", r.ours_batch_us_per_row,
               r.xgboost_batch_us_per_row, r.batch_speedup);
  std::fprintf(out, "\nparity: max |ours - xgboost| = %.3g (tolerance %.0e): %s\n", r.max_abs_diff,
               training::kScoringParityTolerance, r.parity_ok ? "ok" : "FAILED");
}

}  // namespace

int RunBenchScoring(const AppContext& context, const BenchScoringFlags& flags) {
  training::ScoringBenchmarkOptions options;
  options.trees = flags.trees;
  options.depth = flags.depth;
  options.features = flags.features;
  options.rows = flags.rows;
  Random random(flags.seed);
  Result<training::ScoringBenchmarkReport> report = training::RunScoringBenchmark(options, random);
  if (!report.ok()) return ReportFailure(report.status(), context.err);
  if (flags.json) {
    std::fprintf(context.out, "%s\n", ReportJson(*report).dump(2).c_str());
  } else {
    PrintTable(context.out, *report);
  }
  if (!report->parity_ok) {
    std::fprintf(context.err,
                 "edgeloop: bench scoring: the edge scorer differs from XGBoost by %.3g, more "
                 "than %.0e\n",
                 report->max_abs_diff, training::kScoringParityTolerance);
    return kExitCheckFailed;
  }
  return kExitOk;
}

}  // namespace edgeloop::app
