// Scoring benchmark: the compiled edge scorer (models::TreeEnsembleScorer) against XGBoost's own
// predictor, on the same model and the same rows, in the same run.
//
// RunScoringBenchmark trains a binary:logistic XGBoost model of the requested shape (trees x
// depth) on synthetic rows drawn from the injected Random, compiles it for the edge, and then
// measures on fresh synthetic rows:
//   - single-row latency: every row scored alone, ours with Score, XGBoost with
//     XGBoosterPredictFromDense on a one-row matrix ("cache_id": 0, nthread 1); p50, p99, mean;
//   - batch time per row: ours with ScoreBatch, XGBoost with XGBoosterPredictFromDense on all
//     rows (nthread 1); the fastest of `batch_passes` passes, divided by the row count;
//   - parity: the largest |ours - XGBoost| over every row, single and batch.
// Timing reads std::chrono::steady_clock directly: it measures the machine, so it is not behind
// the Clock seam, and its numbers vary from run to run (the parity and the model do not).
//
// Errors: InvalidArgument for options out of range; Internal for an XGBoost failure, or for a
// model the edge scorer does not load. Runs on the calling thread; XGBoost uses one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/random.h"
#include "base/status.h"

namespace edgeloop::training {

struct ScoringBenchmarkOptions {
  int trees = 500;
  int depth = 6;
  size_t features = 32;
  size_t rows = 10000;   // scored rows (and as many training rows)
  int batch_passes = 5;  // timed ScoreBatch / predict passes; the fastest counts
  double missing_share = 0.05;
};

// Largest |ours - XGBoost| the benchmark accepts as parity.
inline constexpr double kScoringParityTolerance = 1e-6;

// Latency of one row scored alone, in microseconds.
struct LatencyStats {
  double p50_us = 0;
  double p99_us = 0;
  double mean_us = 0;
};

struct ScoringBenchmarkReport {
  ScoringBenchmarkOptions options;
  uint64_t seed = 0;            // the injected Random's seed
  std::string xgboost_version;  // e.g. "1.7.4"
  // The model as compiled for the edge.
  size_t model_trees = 0;
  size_t model_max_depth = 0;
  size_t model_nodes = 0;
  std::string layout;  // "perfect" or "general" (see models/tree_ensemble.h)
  LatencyStats ours_single;
  LatencyStats xgboost_single;
  double ours_batch_us_per_row = 0;
  double xgboost_batch_us_per_row = 0;
  // XGBoost's time over ours: how many times faster the edge scorer is.
  double single_p50_speedup = 0;
  double single_p99_speedup = 0;
  double batch_speedup = 0;
  double max_abs_diff = 0;  // over every row, single and batch
  bool parity_ok = false;   // max_abs_diff <= kScoringParityTolerance
};

// InvalidArgument naming the option when one is out of range: trees 1..100000, depth 1..16,
// features 1..10000, rows 1..10000000, batch_passes 1..1000, missing_share in [0, 1).
Status ValidateScoringBenchmarkOptions(const ScoringBenchmarkOptions& options);

Result<ScoringBenchmarkReport> RunScoringBenchmark(const ScoringBenchmarkOptions& options,
                                                   Random& random);

}  // namespace edgeloop::training
