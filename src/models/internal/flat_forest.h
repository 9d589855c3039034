// FlatForest: the compiled form of a tree ensemble shared by the scorer and TreeSHAP.
//
// All trees live in one contiguous array of 12-byte nodes. Each tree is laid out breadth first
// with the two children of a split stored next to each other (right = left + 1), so a walk is a
// chain of loads in one array and a split needs only one child offset. A node is a leaf when
// its left offset is 0 (the first node of the array is a root and never anybody's child).
// Node cover (XGBoost's sum_hessian) is kept in a parallel array, out of the scoring hot path.
#pragma once

#include <cstdint>
#include <vector>

namespace edgeloop::models::internal {

struct FlatNode {
  // Split threshold (go left when float(x) < value), or the leaf weight.
  float value;
  // Bits 0..30: feature index; bit 31: missing values go left.
  uint32_t feature_and_default;
  // Absolute index of the left child in FlatForest::nodes; 0 for a leaf.
  uint32_t left;

  static constexpr uint32_t kDefaultLeftBit = 0x80000000u;
  bool is_leaf() const { return left == 0; }
  uint32_t feature() const { return feature_and_default & ~kDefaultLeftBit; }
  bool default_left() const { return (feature_and_default & kDefaultLeftBit) != 0; }
};
static_assert(sizeof(FlatNode) == 12, "FlatNode should stay compact");

struct FlatForest {
  std::vector<FlatNode> nodes;
  // Index of each tree's root in nodes, in boosting order.
  std::vector<uint32_t> roots;
  // Cover (sum of hessians) of each node, parallel to nodes; empty when the model has none.
  std::vector<float> cover;
  // Cover-weighted mean leaf value of each tree (its expected value), parallel to roots;
  // empty when there is no cover.
  std::vector<float> expected_values;
  // Deepest root-to-leaf path of each tree, parallel to roots.
  std::vector<uint32_t> depths;
  // Deepest root-to-leaf path over all trees (a lone leaf has depth 0).
  uint32_t max_depth = 0;
  // The margin every prediction starts from (XGBoost's base_score mapped through the link).
  float base_margin = 0.0f;
};

// The leaf a row falls into, starting at node `index`. Missing = NaN.
inline uint32_t FindLeaf(const FlatNode* nodes, uint32_t index, const double* row) {
  FlatNode node = nodes[index];
  while (!node.is_leaf()) {
    const double x = row[node.feature()];
    uint32_t go_right;
    if (x != x) {
      go_right = node.default_left() ? 0u : 1u;
    } else {
      go_right = static_cast<float>(x) < node.value ? 0u : 1u;
    }
    index = node.left + go_right;
    node = nodes[index];
  }
  return index;
}

// One level of a walk without branches: a split moves to the child the row takes, a leaf stays
// put. Walking a tree's depth times from its root always ends on the row's leaf, so several
// walks can run in lockstep with no mispredicted branches.
inline uint32_t Step(const FlatNode* nodes, uint32_t index, const double* row) {
  const FlatNode node = nodes[index];
  const double x = row[node.feature()];
  const uint32_t right_if_present = static_cast<float>(x) < node.value ? 0u : 1u;
  const uint32_t right_if_missing = node.default_left() ? 0u : 1u;
  const uint32_t next = node.left + (x != x ? right_if_missing : right_if_present);
  return node.is_leaf() ? index : next;
}

}  // namespace edgeloop::models::internal
