// Isolation forest fitting (Liu, Ting & Zhou, 2008): trains the model IsolationForestScorer
// (models/isolation_forest_scorer.h) scores with, from anomaly-free feature rows.
//
// Columns are standardised with their training means and population standard deviations
// (missing values imputed as the mean). Each of `trees` trees is grown on `sample_size` rows
// drawn without replacement (all rows when there are fewer) to depth ceil(log2(sample_size)):
// a node picks a feature uniformly among those that still vary in it and a threshold uniformly
// between their min and max; a node whose rows are all equal, or at the depth limit, is a leaf.
// All randomness comes from a Random seeded with `seed`, drawn in a fixed order: the same rows
// and options give the same model bytes. Pure function, thread-safe. InvalidArgument for no
// columns, fewer than 2 rows, a ragged table, or trees / sample_size below 1 / 2.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "models/isolation_forest_scorer.h"

namespace edgeloop::training {

struct IsolationForestFitOptions {
  int trees = 100;
  int sample_size = 256;
  uint64_t seed = 7;
};

struct IsolationForestFitResult {
  models::IsolationForestModel model;
  std::vector<double> training_scores;  // the scorer's score of each training row
};

// `rows` is row-major, rows.size() / feature_names.size() rows.
Result<IsolationForestFitResult> FitIsolationForest(const std::vector<std::string>& feature_names,
                                                    const std::vector<double>& rows,
                                                    const IsolationForestFitOptions& options);

}  // namespace edgeloop::training
