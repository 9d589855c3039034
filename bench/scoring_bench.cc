// Edge scoring latency and throughput, ours against XGBoost's own predictor in the same run:
//   BM_OursSingleRow      — TreeEnsembleScorer::Score on one row
//   BM_XgboostSingleRow   — XGBoosterPredictFromDense on a one-row matrix (nthread 1)
//   BM_OursBatch          — TreeEnsembleScorer::ScoreBatch on 10,000 rows
//   BM_XgboostBatch       — XGBoosterPredictFromDense on the same 10,000 rows (nthread 1)
// The model: binary:logistic, 500 trees of depth 6, trained single-threaded on 10,000 random
// rows of 16 features with ~5 % NaN. Counters report the time per row.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "models/testing/xgboost_reference.h"
#include "models/tree_ensemble.h"

namespace edgeloop::models {
namespace {

constexpr size_t kRows = 10000;
constexpr size_t kCols = 16;
constexpr int kTrees = 500;
constexpr int kDepth = 6;

struct Fixture {
  std::vector<double> train = testing::RandomRows(kRows, kCols, 0.05, 1);
  std::vector<double> rows = testing::RandomRows(kRows, kCols, 0.05, 2);
  testing::XgboostReference reference{train, testing::Labels(train, kCols, true, 3), kCols,
                                      "binary:logistic", kDepth, kTrees};
  std::unique_ptr<TreeEnsembleScorer> scorer =
      std::move(TreeEnsembleScorer::FromXgboostJson(reference.Json())).value();
};

Fixture& Shared() {
  static Fixture* fixture = new Fixture();  // built once, on first use, for the whole run
  return *fixture;
}

// Adds the wall time per row as a counter ("per_row", in seconds with an SI prefix).
void ReportPerRow(benchmark::State& state, size_t rows_per_iteration) {
  state.counters["per_row"] =
      benchmark::Counter(static_cast<double>(rows_per_iteration),
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_OursSingleRow(benchmark::State& state) {
  Fixture& f = Shared();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.scorer->Score(&f.rows[i * kCols]));
    i = (i + 1) % kRows;
  }
  ReportPerRow(state, 1);
}

void BM_XgboostSingleRow(benchmark::State& state) {
  Fixture& f = Shared();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.reference.Predict(&f.rows[i * kCols], 1, 1));
    i = (i + 1) % kRows;
  }
  ReportPerRow(state, 1);
}

void BM_OursBatch(benchmark::State& state) {
  Fixture& f = Shared();
  std::vector<double> out(kRows);
  for (auto _ : state) {
    f.scorer->ScoreBatch(f.rows.data(), kRows, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  ReportPerRow(state, kRows);
}

void BM_XgboostBatch(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) benchmark::DoNotOptimize(f.reference.Predict(f.rows.data(), kRows, 1));
  ReportPerRow(state, kRows);
}

BENCHMARK(BM_OursSingleRow);
BENCHMARK(BM_XgboostSingleRow);
BENCHMARK(BM_OursBatch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_XgboostBatch)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace edgeloop::models

BENCHMARK_MAIN();
