#include "training/internal/column_stats.h"

#include <cmath>

namespace edgeloop::training::internal {

ColumnStats ComputeColumnStats(const std::vector<double>& rows, size_t n_cols) {
  const size_t n_rows = n_cols == 0 ? 0 : rows.size() / n_cols;
  ColumnStats stats{std::vector<double>(n_cols, 0.0), std::vector<double>(n_cols, 1.0)};
  for (size_t c = 0; c < n_cols; ++c) {
    double sum = 0;
    size_t count = 0;
    for (size_t r = 0; r < n_rows; ++r) {
      const double x = rows[r * n_cols + c];
      if (std::isfinite(x)) {
        sum += x;
        ++count;
      }
    }
    if (count == 0) continue;
    const double mean = sum / static_cast<double>(count);
    double ss = 0;
    for (size_t r = 0; r < n_rows; ++r) {
      const double x = rows[r * n_cols + c];
      if (std::isfinite(x)) ss += (x - mean) * (x - mean);
    }
    const double sd = std::sqrt(ss / static_cast<double>(count));
    stats.means[c] = mean;
    // A column that never moved in training: scale 1 keeps any later change visible in raw units.
    stats.scales[c] = sd > 1e-12 * std::max(1.0, std::fabs(mean)) ? sd : 1.0;
  }
  return stats;
}

std::vector<double> Standardise(const std::vector<double>& rows, const ColumnStats& stats) {
  const size_t n_cols = stats.means.size();
  std::vector<double> z(rows.size(), 0.0);
  for (size_t i = 0; i < rows.size(); ++i) {
    const size_t c = i % n_cols;
    z[i] = std::isfinite(rows[i]) ? (rows[i] - stats.means[c]) / stats.scales[c] : 0.0;
  }
  return z;
}

}  // namespace edgeloop::training::internal
