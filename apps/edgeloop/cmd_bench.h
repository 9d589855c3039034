// `edgeloop bench scoring`: the edge scorer against XGBoost's own predictor, measured on this
// machine in one run (see training/scoring_benchmark.h).
//
// Takes its parsed flags and the context's output streams, and returns the process exit code:
// 0 when the scores match XGBoost (max |difference| <= 1e-6), 1 when they do not (the numbers
// are still printed), 2 for flags out of range, 70 for an XGBoost failure. Human output is a
// small table; with json set, one JSON object with the same content goes to context.out.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgeloop/app_context.h"

namespace edgeloop::app {

struct BenchScoringFlags {
  int trees = 500;       // --trees
  int depth = 6;         // --depth
  size_t features = 32;  // --features
  size_t rows = 10000;   // --rows
  uint64_t seed = 1;     // --seed: synthetic training and scored rows
  bool json = false;     // --json
};

int RunBenchScoring(const AppContext& context, const BenchScoringFlags& flags);

}  // namespace edgeloop::app
