// TreeSHAP: exact, path-dependent SHAP values of a tree ensemble (Lundberg, Erion & Lee,
// "Consistent Individualized Feature Attribution for Tree Ensembles", Algorithm 2), computed
// as XGBoost's pred_contribs does: node cover (sum_hessian) weighs the paths a row does not
// take, a NaN follows the split's default direction, and the bias of each tree is its
// cover-weighted mean leaf value.
//
// A free function over the compiled forest; stateless and thread-safe. It allocates a small
// path buffer per call (explanations are not on the scoring hot path).
#pragma once

#include <cstddef>

#include "models/internal/flat_forest.h"

namespace edgeloop::models {

// Deepest tree TreeShap accepts; the walk recurses once per level.
inline constexpr size_t kMaxTreeShapDepth = 1024;

// Writes num_features contributions and then the bias (num_features + 1 values) into out; they
// sum to the row's margin, forest.base_margin included in the bias. Requires a forest with
// cover and max_depth <= kMaxTreeShapDepth (the caller checks both).
void TreeShap(const internal::FlatForest& forest, size_t num_features, const double* row,
              double* out);

}  // namespace edgeloop::models
