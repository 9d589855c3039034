// Scorer: what every edge model kind implements (tree ensemble now; isolation forest and
// PCA T²/Q later), so the agent scores feature rows without knowing which kind it runs.
//
// A feature row is num_features() doubles in the order of feature_names(); NaN means missing.
// Implementations are immutable after construction: every const method is thread-safe, and
// Score/ScoreBatch allocate nothing. Construction (from model bytes) is where errors are
// reported; scoring a row of the right width cannot fail.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace edgeloop::models {

class Scorer {
 public:
  virtual ~Scorer() = default;

  // Width of a feature row.
  virtual size_t num_features() const = 0;
  // One name per column of a feature row.
  virtual const std::vector<std::string>& feature_names() const = 0;
  // The model kind, e.g. "tree_ensemble"; what a bundle manifest records.
  virtual std::string_view kind() const = 0;

  // The score of one row of num_features() values (NaN = missing).
  virtual double Score(const double* row) const = 0;
  // Scores n_rows row-major rows into out[0..n_rows).
  virtual void ScoreBatch(const double* rows, size_t n_rows, double* out) const = 0;

  // Writes num_features() per-feature contributions followed by the bias into out
  // (num_features() + 1 values) that sum to the row's margin (the score before any link
  // function). Kinds without explanations return FailedPrecondition and leave out untouched.
  virtual Status Contributions(const double* row, double* out) const = 0;
};

}  // namespace edgeloop::models
