// Per-column means and scales of row-major training rows, ignoring missing (non-finite) values:
// the standardisation the anomaly models carry. A column with no spread (or no values) gets
// scale 1 and, without values, mean 0, so standardising never divides by zero.
#pragma once

#include <cstddef>
#include <vector>

namespace edgeloop::training::internal {

struct ColumnStats {
  std::vector<double> means;
  std::vector<double> scales;  // population standard deviation, or 1 (see above)
};

ColumnStats ComputeColumnStats(const std::vector<double>& rows, size_t n_cols);

// z = (x - mean) / scale, with a missing value imputed as the mean (z = 0).
std::vector<double> Standardise(const std::vector<double>& rows, const ColumnStats& stats);

}  // namespace edgeloop::training::internal
