// PerfectForest: the scoring layout of a shallow tree ensemble, walked without branches.
//
// Every tree is padded to a perfect binary tree of the forest's depth D (at most
// kMaxPerfectDepth): 2^D - 1 split nodes in heap order (children of node i at 2i+1 and 2i+2)
// followed, in a separate array, by its 2^D leaf values. A leaf of the source tree above depth D
// becomes a chain of dummy splits whose threshold is NaN (`x >= NaN` is false, so they always go
// left) ending in its value at the leftmost leaf below it. A walk is then exactly D steps of
//   i = 2i + 1 + (x[feature] >= threshold)
// with no data-dependent branch, so many walks (several trees of one row, or one tree over
// several rows) run interleaved and hide each other's load latency.
//
// Missing values cost nothing on the hot path: a row is first converted to floats twice over
// (a "split row", 2F values). The first half maps NaN to -inf (every split sends it left), the
// second half maps NaN to +inf (every split sends it right); a split whose missing values go
// left reads feature f from the first half, one whose missing values go right reads F + f.
// Present values are the same float(x) in both halves, so `float(x) < threshold` decides as in
// XGBoost. This holds for every threshold except NaN (on any split) and -inf (on a split whose
// missing values go left); BuildPerfectForest declines such forests and the scorer then falls
// back to walking FlatForest.
//
// Leaf values are summed in float from base_margin, tree 0 first, exactly as FlatForest's walk
// and XGBoost's CPU predictor do, so both layouts give bit-identical margins.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "models/internal/flat_forest.h"

namespace edgeloop::models::internal {

// Deepest forest compiled to the perfect layout (255 splits + 256 leaves, 3 KiB per tree).
inline constexpr uint32_t kMaxPerfectDepth = 8;

struct PerfectNode {
  // Index into the split row: the feature, plus num_features when missing values go right.
  uint32_t slot;
  // Go right when x >= threshold; NaN for a dummy split (always left).
  float threshold;
};
static_assert(sizeof(PerfectNode) == 8, "PerfectNode should stay compact");

struct PerfectForest {
  uint32_t depth = 0;
  size_t num_trees = 0;
  size_t num_features = 0;
  // num_trees * (2^depth - 1) splits, tree by tree.
  std::vector<PerfectNode> nodes;
  // num_trees * 2^depth leaf values, tree by tree.
  std::vector<float> leaves;
  float base_margin = 0.0f;

  size_t splits_per_tree() const { return (size_t{1} << depth) - 1; }
  size_t leaves_per_tree() const { return size_t{1} << depth; }
};

// The perfect layout of `forest`, or nullopt when it does not apply: a tree deeper than
// kMaxPerfectDepth, a NaN threshold, or a -inf threshold on a split whose missing values go left.
std::optional<PerfectForest> BuildPerfectForest(const FlatForest& forest, size_t num_features);

// Writes the split row of `row` (num_features doubles, NaN = missing) into split_row
// (2 * num_features floats).
void MakeSplitRow(const double* row, size_t num_features, float* split_row);

// The margin of one split row.
float PerfectMargin(const PerfectForest& forest, const float* split_row);

// The margins of n_rows split rows stored one after another (2 * num_features floats apart).
void PerfectMargins(const PerfectForest& forest, const float* split_rows, size_t n_rows,
                    float* margins);

}  // namespace edgeloop::models::internal
