// FeatureTable: feature rows, the output of the extractor and the input of training and scoring.
//
// One row per window of one asset; the window covers (window_end_ms - length, window_end_ms].
// Values are row-major (rows x columns) in one contiguous vector so a row can be handed to a
// scorer as a pointer. NaN marks a feature that could not be computed (too few readings).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgeloop::features {

struct FeatureTable {
  std::vector<std::string> columns;    // feature names, in feature-spec order
  std::vector<std::string> asset;      // per row
  std::vector<int64_t> window_end_ms;  // per row
  std::vector<double> values;          // rows() * columns.size(), row-major

  size_t rows() const { return asset.size(); }
  size_t cols() const { return columns.size(); }
  const double* row(size_t i) const { return values.data() + i * columns.size(); }
  double at(size_t r, size_t c) const { return values[r * columns.size() + c]; }
  // Index of a column by name, or -1.
  int ColumnIndex(const std::string& name) const {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
  // Appends every row of `other`, which must have the same columns.
  void Append(const FeatureTable& other) {
    asset.insert(asset.end(), other.asset.begin(), other.asset.end());
    window_end_ms.insert(window_end_ms.end(), other.window_end_ms.begin(),
                         other.window_end_ms.end());
    values.insert(values.end(), other.values.begin(), other.values.end());
  }
};

}  // namespace edgeloop::features
