#include "models/tree_shap.h"

#include <algorithm>
#include <vector>

namespace edgeloop::models {
namespace {

using internal::FlatNode;

// One feature on the path from the root to the current node, with the share of cover that
// flows through when the feature is unknown (zero) and when it is known (one), and the
// permutation weight of subsets of the size this element stands for.
struct PathElement {
  int feature;
  double zero_fraction;
  double one_fraction;
  double pweight;
};

void ExtendPath(PathElement* path, unsigned depth, double zero_fraction, double one_fraction,
                int feature) {
  path[depth] = {feature, zero_fraction, one_fraction, depth == 0 ? 1.0 : 0.0};
  for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
    path[i + 1].pweight += one_fraction * path[i].pweight * (i + 1) / (depth + 1.0);
    path[i].pweight = zero_fraction * path[i].pweight * (depth - i) / (depth + 1.0);
  }
}

// Removes element `index` from the path, undoing its ExtendPath.
void UnwindPath(PathElement* path, unsigned depth, unsigned index) {
  const double one_fraction = path[index].one_fraction;
  const double zero_fraction = path[index].zero_fraction;
  double next_one_portion = path[depth].pweight;
  for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
    if (one_fraction != 0) {
      const double tmp = path[i].pweight;
      path[i].pweight = next_one_portion * (depth + 1) / ((i + 1) * one_fraction);
      next_one_portion = tmp - path[i].pweight * zero_fraction * (depth - i) / (depth + 1.0);
    } else {
      path[i].pweight = path[i].pweight * (depth + 1) / (zero_fraction * (depth - i));
    }
  }
  for (unsigned i = index; i < depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero_fraction = path[i + 1].zero_fraction;
    path[i].one_fraction = path[i + 1].one_fraction;
  }
}

// The total permutation weight the path would have without element `index`.
double UnwoundPathSum(const PathElement* path, unsigned depth, unsigned index) {
  const double one_fraction = path[index].one_fraction;
  const double zero_fraction = path[index].zero_fraction;
  double next_one_portion = path[depth].pweight;
  double total = 0;
  for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
    if (one_fraction != 0) {
      const double tmp = next_one_portion * (depth + 1) / ((i + 1) * one_fraction);
      total += tmp;
      next_one_portion = path[i].pweight - tmp * zero_fraction * ((depth - i) / (depth + 1.0));
    } else if (zero_fraction != 0) {
      total += (path[i].pweight / zero_fraction) / ((depth - i) / (depth + 1.0));
    }
  }
  return total;
}

struct Walk {
  const FlatNode* nodes;
  const float* cover;
  const double* row;
  double* phi;
};

void Recurse(const Walk& walk, uint32_t node_index, unsigned depth, PathElement* parent_path,
             double parent_zero_fraction, double parent_one_fraction, int parent_feature) {
  // A branch that no row reaches, known or unknown, contributes nothing (and unwinding it
  // later would divide by zero).
  if (parent_zero_fraction == 0 && parent_one_fraction == 0) return;
  PathElement* path = parent_path + depth + 1;
  std::copy(parent_path, parent_path + depth + 1, path);
  ExtendPath(path, depth, parent_zero_fraction, parent_one_fraction, parent_feature);

  const FlatNode node = walk.nodes[node_index];
  if (node.is_leaf()) {
    for (unsigned i = 1; i <= depth; ++i) {
      const double w = UnwoundPathSum(path, depth, i);
      walk.phi[path[i].feature] += w * (path[i].one_fraction - path[i].zero_fraction) * node.value;
    }
    return;
  }

  const uint32_t feature = node.feature();
  const double x = walk.row[feature];
  bool hot_left;
  if (x != x) {
    hot_left = node.default_left();
  } else {
    hot_left = static_cast<float>(x) < node.value;
  }
  const uint32_t hot = hot_left ? node.left : node.left + 1;
  const uint32_t cold = hot_left ? node.left + 1 : node.left;
  const double w = walk.cover[node_index];
  const double hot_zero_fraction = walk.cover[hot] / w;
  const double cold_zero_fraction = walk.cover[cold] / w;
  double incoming_zero_fraction = 1;
  double incoming_one_fraction = 1;

  // A feature already on the path is taken off and put back with this split's fractions.
  unsigned path_index = 0;
  for (; path_index <= depth; ++path_index) {
    if (path[path_index].feature == static_cast<int>(feature)) break;
  }
  if (path_index != depth + 1) {
    incoming_zero_fraction = path[path_index].zero_fraction;
    incoming_one_fraction = path[path_index].one_fraction;
    UnwindPath(path, depth, path_index);
    depth -= 1;
  }
  Recurse(walk, hot, depth + 1, path, hot_zero_fraction * incoming_zero_fraction,
          incoming_one_fraction, static_cast<int>(feature));
  Recurse(walk, cold, depth + 1, path, cold_zero_fraction * incoming_zero_fraction, 0,
          static_cast<int>(feature));
}

}  // namespace

void TreeShap(const internal::FlatForest& forest, size_t num_features, const double* row,
              double* out) {
  std::fill_n(out, num_features + 1, 0.0);
  const size_t max_path = forest.max_depth + 2;
  std::vector<PathElement> path_buffer(max_path * (max_path + 1) / 2);
  const Walk walk{forest.nodes.data(), forest.cover.data(), row, out};
  double bias = forest.base_margin;
  for (size_t t = 0; t < forest.roots.size(); ++t) {
    bias += forest.expected_values[t];
    Recurse(walk, forest.roots[t], 0, path_buffer.data(), 1, 1, -1);
  }
  out[num_features] = bias;
}

}  // namespace edgeloop::models
