#include "training/scoring_benchmark.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "models/tree_ensemble.h"
#include "training/xgboost_trainer.h"

namespace edgeloop::training {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Rows scored untimed first, so both sides start with warm caches and branch predictors.
constexpr size_t kWarmupRows = 200;

// XGBoost's inplace prediction of float64 rows, as a deployed model would be called.
constexpr const char* kPredictConfig =
    "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
    "\"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0, \"nthread\": 1}";

double Micros(SteadyClock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// Owns a BoosterHandle loaded from model JSON, predicting on one thread.
class LoadedBooster {
 public:
  ~LoadedBooster() {
    if (handle_ != nullptr) XGBoosterFree(handle_);
  }

  Status Load(const std::string& json) {
    EL_RETURN_IF_ERROR(Check(XGBoosterCreate(nullptr, 0, &handle_), "creating the booster"));
    EL_RETURN_IF_ERROR(Check(XGBoosterLoadModelFromBuffer(handle_, json.data(), json.size()),
                             "loading the trained model"));
    return Check(XGBoosterSetParam(handle_, "nthread", "1"), "setting nthread = 1");
  }

  // n_rows scores of the rows described by `array_interface`; valid until the next call.
  Result<const float*> Predict(const std::string& array_interface, size_t n_rows) const {
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    EL_RETURN_IF_ERROR(Check(XGBoosterPredictFromDense(handle_, array_interface.c_str(),
                                                       kPredictConfig, nullptr, &shape, &dim, &out),
                             "predicting"));
    size_t total = 1;
    for (bst_ulong d = 0; d < dim; ++d) total *= shape[d];
    if (total != n_rows) {
      return Internal("scoring benchmark: xgboost gave " + std::to_string(total) +
                      " predictions for " + std::to_string(n_rows) + " rows");
    }
    return out;
  }

 private:
  static Status Check(int rc, std::string_view what) {
    if (rc == 0) return Status::Ok();
    const char* err = XGBGetLastError();
    return Internal("scoring benchmark: xgboost " + std::string(what) + ": " +
                    (err != nullptr ? err : "unknown error"));
  }

  BoosterHandle handle_ = nullptr;
};

// __array_interface__ (version 3) of n_rows row-major float64 rows.
std::string ArrayInterface(const double* rows, size_t n_rows, size_t n_cols) {
  return "{\"data\": [" + std::to_string(reinterpret_cast<uintptr_t>(rows)) +
         ", true], \"shape\": [" + std::to_string(n_rows) + ", " + std::to_string(n_cols) +
         "], \"typestr\": \"<f8\", \"version\": 3}";
}

// Uniform values in [-2, 2), each missing (NaN) with probability missing_share.
std::vector<double> SyntheticRows(Random& random, size_t n_rows, size_t n_cols,
                                  double missing_share) {
  std::vector<double> rows(n_rows * n_cols);
  for (double& v : rows) v = random.Bernoulli(missing_share) ? NAN : random.Uniform(-2.0, 2.0);
  return rows;
}

// A noisy nonlinear function of the first columns (missing counts as 0), thresholded to 0/1.
std::vector<float> SyntheticLabels(Random& random, const std::vector<double>& rows, size_t n_cols) {
  const size_t n_rows = rows.size() / n_cols;
  std::vector<float> labels(n_rows);
  for (size_t r = 0; r < n_rows; ++r) {
    auto x = [&](size_t c) {
      const double v = rows[r * n_cols + c % n_cols];
      return std::isnan(v) ? 0.0 : v;
    };
    const double signal = x(0) * x(1) + std::sin(2 * x(2)) - 0.5 * x(3) + (x(4) > 0.5 ? 1.0 : 0.0);
    labels[r] = signal + random.Normal(0.0, 0.3) > 0.3 ? 1.0f : 0.0f;
  }
  return labels;
}

// Nearest-rank percentile (p in (0, 1]) and mean of latencies in microseconds.
LatencyStats Summarize(std::vector<double> micros) {
  LatencyStats stats;
  if (micros.empty()) return stats;
  std::sort(micros.begin(), micros.end());
  auto rank = [&](double p) {
    const size_t k = static_cast<size_t>(std::ceil(p * static_cast<double>(micros.size())));
    return micros[std::clamp<size_t>(k, 1, micros.size()) - 1];
  };
  stats.p50_us = rank(0.50);
  stats.p99_us = rank(0.99);
  double sum = 0;
  for (double m : micros) sum += m;
  stats.mean_us = sum / static_cast<double>(micros.size());
  return stats;
}

Result<TrainedModel> TrainSyntheticModel(const ScoringBenchmarkOptions& options, Random& random) {
  const std::vector<double> rows =
      SyntheticRows(random, options.rows, options.features, options.missing_share);
  const std::vector<float> labels = SyntheticLabels(random, rows, options.features);
  std::vector<std::string> names;
  for (size_t f = 0; f < options.features; ++f) names.push_back("f" + std::to_string(f));
  XgbParams params;
  params.objective = "binary:logistic";
  params.num_rounds = options.trees;
  params.max_depth = options.depth;
  params.eta = 0.3;
  params.subsample = 0.8;
  params.colsample_bytree = 1.0;
  params.min_child_weight = 0;  // let every tree grow to the full depth
  params.seed = static_cast<uint64_t>(random.UniformInt(0, 1 << 30));
  params.nthread = 1;
  return TrainXgboost(rows.data(), options.rows, options.features, labels, names, params);
}

}  // namespace

Status ValidateScoringBenchmarkOptions(const ScoringBenchmarkOptions& o) {
  auto bad = [](const char* name, const std::string& value, const char* expected) {
    return InvalidArgument(std::string("scoring benchmark: ") + name + " " + value + ": expected " +
                           expected);
  };
  if (o.trees < 1 || o.trees > 100000) return bad("trees", std::to_string(o.trees), "1..100000");
  if (o.depth < 1 || o.depth > 16) return bad("depth", std::to_string(o.depth), "1..16");
  if (o.features < 1 || o.features > 10000) {
    return bad("features", std::to_string(o.features), "1..10000");
  }
  if (o.rows < 1 || o.rows > 10000000) return bad("rows", std::to_string(o.rows), "1..10000000");
  if (o.batch_passes < 1 || o.batch_passes > 1000) {
    return bad("batch_passes", std::to_string(o.batch_passes), "1..1000");
  }
  if (!(o.missing_share >= 0 && o.missing_share < 1)) {
    return bad("missing_share", FormatDouble(o.missing_share), "in [0, 1)");
  }
  return Status::Ok();
}

Result<ScoringBenchmarkReport> RunScoringBenchmark(const ScoringBenchmarkOptions& options,
                                                   Random& random) {
  EL_RETURN_IF_ERROR(ValidateScoringBenchmarkOptions(options));
  EL_ASSIGN_OR_RETURN(TrainedModel model, TrainSyntheticModel(options, random));
  auto scorer = models::TreeEnsembleScorer::FromXgboostJson(model.json);
  if (!scorer.ok()) {
    return Internal("scoring benchmark: the edge scorer does not load the trained model: " +
                    scorer.status().message());
  }
  const models::TreeEnsembleScorer& ours = **scorer;
  LoadedBooster xgboost;
  EL_RETURN_IF_ERROR(xgboost.Load(model.json));

  const size_t n = options.rows;
  const size_t cols = options.features;
  const std::vector<double> rows = SyntheticRows(random, n, cols, options.missing_share);
  std::vector<std::string> row_interfaces(n);
  for (size_t i = 0; i < n; ++i) row_interfaces[i] = ArrayInterface(&rows[i * cols], 1, cols);
  const std::string all_rows = ArrayInterface(rows.data(), n, cols);

  // Single rows: ours, then XGBoost, each after an untimed warm-up.
  std::vector<double> ours_single(n), xgboost_single(n), ours_micros(n), xgboost_micros(n);
  for (size_t i = 0; i < std::min(n, kWarmupRows); ++i) ours.Score(&rows[i * cols]);
  for (size_t i = 0; i < n; ++i) {
    const SteadyClock::time_point start = SteadyClock::now();
    ours_single[i] = ours.Score(&rows[i * cols]);
    ours_micros[i] = Micros(SteadyClock::now() - start);
  }
  for (size_t i = 0; i < std::min(n, kWarmupRows); ++i) {
    EL_RETURN_IF_ERROR(xgboost.Predict(row_interfaces[i], 1).status());
  }
  for (size_t i = 0; i < n; ++i) {
    const SteadyClock::time_point start = SteadyClock::now();
    Result<const float*> out = xgboost.Predict(row_interfaces[i], 1);
    const SteadyClock::duration took = SteadyClock::now() - start;
    if (!out.ok()) return out.status();
    xgboost_single[i] = (*out)[0];
    xgboost_micros[i] = Micros(took);
  }

  // Batches: the fastest of batch_passes passes over all rows.
  std::vector<double> ours_batch(n), xgboost_batch(n);
  double ours_best = INFINITY, xgboost_best = INFINITY;
  for (int pass = 0; pass < options.batch_passes; ++pass) {
    const SteadyClock::time_point start = SteadyClock::now();
    ours.ScoreBatch(rows.data(), n, ours_batch.data());
    ours_best = std::min(ours_best, Micros(SteadyClock::now() - start));
  }
  for (int pass = 0; pass < options.batch_passes; ++pass) {
    const SteadyClock::time_point start = SteadyClock::now();
    Result<const float*> out = xgboost.Predict(all_rows, n);
    const SteadyClock::duration took = SteadyClock::now() - start;
    if (!out.ok()) return out.status();
    xgboost_best = std::min(xgboost_best, Micros(took));
    std::copy(*out, *out + n, xgboost_batch.begin());
  }

  ScoringBenchmarkReport report;
  report.options = options;
  report.seed = random.seed();
  report.xgboost_version = XgboostVersion();
  report.model_trees = ours.num_trees();
  report.model_max_depth = ours.max_depth();
  report.model_nodes = ours.num_nodes();
  report.layout = ours.uses_perfect_layout() ? "perfect" : "general";
  report.ours_single = Summarize(ours_micros);
  report.xgboost_single = Summarize(xgboost_micros);
  report.ours_batch_us_per_row = ours_best / static_cast<double>(n);
  report.xgboost_batch_us_per_row = xgboost_best / static_cast<double>(n);
  auto ratio = [](double theirs, double mine) { return mine > 0 ? theirs / mine : 0.0; };
  report.single_p50_speedup = ratio(report.xgboost_single.p50_us, report.ours_single.p50_us);
  report.single_p99_speedup = ratio(report.xgboost_single.p99_us, report.ours_single.p99_us);
  report.batch_speedup = ratio(report.xgboost_batch_us_per_row, report.ours_batch_us_per_row);
  for (size_t i = 0; i < n; ++i) {
    for (double diff : {ours_single[i] - xgboost_single[i], ours_batch[i] - xgboost_batch[i]}) {
      // A NaN on one side only is as far from parity as it gets.
      const double size = std::isnan(diff) ? INFINITY : std::fabs(diff);
      report.max_abs_diff = std::max(report.max_abs_diff, size);
    }
  }
  report.parity_ok = report.max_abs_diff <= kScoringParityTolerance;
  return report;
}

}  // namespace edgeloop::training
