#include "models/internal/perfect_forest.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace edgeloop::models::internal {
namespace {

// Trees walked side by side for one row (PerfectMargin).
constexpr size_t kTreeLanes = 8;
// Rows walked side by side through one tree (PerfectMargins).
constexpr size_t kRowLanes = 16;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

struct TreeSink {
  PerfectNode* splits;  // this tree's 2^depth - 1 splits, all dummies to begin with
  float* leaves;        // this tree's 2^depth leaves
  size_t num_splits;
  uint32_t depth;
};

// Copies the subtree of flat node `flat` to heap position `heap` at `level`.
void Place(const FlatForest& forest, size_t num_features, uint32_t flat, size_t heap,
           uint32_t level, const TreeSink& sink) {
  const FlatNode& node = forest.nodes[flat];
  if (level == sink.depth) {
    sink.leaves[heap - sink.num_splits] = node.value;
    return;
  }
  if (node.is_leaf()) {
    // The dummy split in place always goes left; the value lands on the leftmost leaf below.
    Place(forest, num_features, flat, 2 * heap + 1, level + 1, sink);
    return;
  }
  const uint32_t slot =
      node.feature() + (node.default_left() ? 0u : static_cast<uint32_t>(num_features));
  sink.splits[heap] = PerfectNode{slot, node.value};
  Place(forest, num_features, node.left, 2 * heap + 1, level + 1, sink);
  Place(forest, num_features, node.left + 1, 2 * heap + 2, level + 1, sink);
}

// One level of a walk: the child of split `index` that the split row takes.
inline uint32_t Down(const PerfectNode* splits, uint32_t index, const float* split_row) {
  const PerfectNode node = splits[index];
  return 2 * index + 1 + static_cast<uint32_t>(split_row[node.slot] >= node.threshold);
}

template <uint32_t kDepth>
float MarginOfDepth(const PerfectForest& forest, const float* split_row) {
  constexpr size_t kSplits = (size_t{1} << kDepth) - 1;
  constexpr size_t kLeaves = size_t{1} << kDepth;
  const PerfectNode* splits = forest.nodes.data();
  const float* leaves = forest.leaves.data();
  const size_t n_trees = forest.num_trees;
  // Accumulated in float, base margin first, in tree order: XGBoost's exact arithmetic.
  float margin = forest.base_margin;
  size_t t = 0;
  for (; t + kTreeLanes <= n_trees; t += kTreeLanes) {
    uint32_t index[kTreeLanes] = {};
    // Every lane addresses its tree from one base pointer plus a constant offset, which keeps
    // the lanes' state in registers.
    const PerfectNode* base = splits + t * kSplits;
    for (uint32_t level = 0; level < kDepth; ++level) {
      for (size_t k = 0; k < kTreeLanes; ++k) {
        index[k] = Down(base + k * kSplits, index[k], split_row);
      }
    }
    for (size_t k = 0; k < kTreeLanes; ++k) {
      margin += leaves[(t + k) * kLeaves + index[k] - kSplits];
    }
  }
  for (; t < n_trees; ++t) {
    uint32_t index = 0;
    for (uint32_t level = 0; level < kDepth; ++level) {
      index = Down(splits + t * kSplits, index, split_row);
    }
    margin += leaves[t * kLeaves + index - kSplits];
  }
  return margin;
}

template <uint32_t kDepth>
void MarginsOfDepth(const PerfectForest& forest, const float* split_rows, size_t n_rows,
                    float* margins) {
  constexpr size_t kSplits = (size_t{1} << kDepth) - 1;
  constexpr size_t kLeaves = size_t{1} << kDepth;
  const size_t stride = 2 * forest.num_features;
  std::fill_n(margins, n_rows, forest.base_margin);
  // Tree by tree over the whole block: each row's margin still adds its leaves in tree order,
  // and the tree stays in L1 while kRowLanes independent walks overlap.
  for (size_t t = 0; t < forest.num_trees; ++t) {
    const PerfectNode* splits = forest.nodes.data() + t * kSplits;
    // A walk ends at heap position kSplits .. 2 * kSplits.
    const float* leaves = forest.leaves.data() + t * kLeaves;
    size_t r = 0;
    for (; r + kRowLanes <= n_rows; r += kRowLanes) {
      uint32_t index[kRowLanes] = {};
      const float* block = split_rows + r * stride;
      for (uint32_t level = 0; level < kDepth; ++level) {
        for (size_t k = 0; k < kRowLanes; ++k) {
          index[k] = Down(splits, index[k], block + k * stride);
        }
      }
      for (size_t k = 0; k < kRowLanes; ++k) margins[r + k] += leaves[index[k] - kSplits];
    }
    for (; r < n_rows; ++r) {
      uint32_t index = 0;
      for (uint32_t level = 0; level < kDepth; ++level) {
        index = Down(splits, index, split_rows + r * stride);
      }
      margins[r] += leaves[index - kSplits];
    }
  }
}

}  // namespace

std::optional<PerfectForest> BuildPerfectForest(const FlatForest& forest, size_t num_features) {
  if (forest.max_depth > kMaxPerfectDepth) return std::nullopt;
  for (const FlatNode& node : forest.nodes) {
    if (node.is_leaf()) continue;
    if (std::isnan(node.value)) return std::nullopt;
    if (node.default_left() && node.value == -kInf) return std::nullopt;
  }
  PerfectForest perfect;
  perfect.depth = forest.max_depth;
  perfect.num_trees = forest.roots.size();
  perfect.num_features = num_features;
  perfect.base_margin = forest.base_margin;
  const size_t num_splits = perfect.splits_per_tree();
  perfect.nodes.assign(perfect.num_trees * num_splits, PerfectNode{0, kNaN});
  perfect.leaves.assign(perfect.num_trees * perfect.leaves_per_tree(), 0.0f);
  for (size_t t = 0; t < perfect.num_trees; ++t) {
    const TreeSink sink{perfect.nodes.data() + t * num_splits,
                        perfect.leaves.data() + t * perfect.leaves_per_tree(), num_splits,
                        perfect.depth};
    Place(forest, num_features, forest.roots[t], 0, 0, sink);
  }
  return perfect;
}

void MakeSplitRow(const double* row, size_t num_features, float* split_row) {
  float* missing_left = split_row;
  float* missing_right = split_row + num_features;
  for (size_t f = 0; f < num_features; ++f) {
    const double x = row[f];
    const bool missing = x != x;
    const float value = static_cast<float>(x);
    missing_left[f] = missing ? -kInf : value;
    missing_right[f] = missing ? kInf : value;
  }
}

float PerfectMargin(const PerfectForest& forest, const float* split_row) {
  switch (forest.depth) {
    case 0:
      return MarginOfDepth<0>(forest, split_row);
    case 1:
      return MarginOfDepth<1>(forest, split_row);
    case 2:
      return MarginOfDepth<2>(forest, split_row);
    case 3:
      return MarginOfDepth<3>(forest, split_row);
    case 4:
      return MarginOfDepth<4>(forest, split_row);
    case 5:
      return MarginOfDepth<5>(forest, split_row);
    case 6:
      return MarginOfDepth<6>(forest, split_row);
    case 7:
      return MarginOfDepth<7>(forest, split_row);
    default:
      return MarginOfDepth<8>(forest, split_row);
  }
}

void PerfectMargins(const PerfectForest& forest, const float* split_rows, size_t n_rows,
                    float* margins) {
  switch (forest.depth) {
    case 0:
      return MarginsOfDepth<0>(forest, split_rows, n_rows, margins);
    case 1:
      return MarginsOfDepth<1>(forest, split_rows, n_rows, margins);
    case 2:
      return MarginsOfDepth<2>(forest, split_rows, n_rows, margins);
    case 3:
      return MarginsOfDepth<3>(forest, split_rows, n_rows, margins);
    case 4:
      return MarginsOfDepth<4>(forest, split_rows, n_rows, margins);
    case 5:
      return MarginsOfDepth<5>(forest, split_rows, n_rows, margins);
    case 6:
      return MarginsOfDepth<6>(forest, split_rows, n_rows, margins);
    case 7:
      return MarginsOfDepth<7>(forest, split_rows, n_rows, margins);
    default:
      return MarginsOfDepth<8>(forest, split_rows, n_rows, margins);
  }
}

}  // namespace edgeloop::models::internal
