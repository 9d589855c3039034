#include "models/tree_ensemble.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "models/tree_shap.h"

namespace edgeloop::models {
namespace {

// Rows walked together through one tree before moving to the next: the block's rows stay in
// cache across all trees and each tree stays in cache across the block.
constexpr size_t kBlockRows = 64;
// Trees walked side by side for one row (general layout).
constexpr size_t kLanes = 8;
// Floats of split rows ScoreBatch keeps on the stack (32 KiB): 64 rows of up to 64 features,
// fewer rows of wider ones (at least 4 at kMaxSplitRowFeatures).
constexpr size_t kBatchScratchFloats = 8192;

}  // namespace

Result<std::unique_ptr<TreeEnsembleScorer>> TreeEnsembleScorer::FromXgboostJson(
    std::string_view json) {
  EL_ASSIGN_OR_RETURN(internal::XgboostModel model, internal::ParseXgboostJson(json));
  return std::unique_ptr<TreeEnsembleScorer>(new TreeEnsembleScorer(std::move(model)));
}

TreeEnsembleScorer::TreeEnsembleScorer(internal::XgboostModel model)
    : forest_(std::move(model.forest)),
      num_features_(model.num_features),
      feature_names_(std::move(model.feature_names)),
      objective_(std::move(model.objective)),
      link_(model.link) {
  if (num_features_ <= kMaxSplitRowFeatures) {
    perfect_ = internal::BuildPerfectForest(forest_, num_features_);
  }
}

float TreeEnsembleScorer::MarginFloat(const double* row) const {
  if (!perfect_) return FlatMargin(row);
  float split_row[2 * kMaxSplitRowFeatures];
  internal::MakeSplitRow(row, num_features_, split_row);
  return internal::PerfectMargin(*perfect_, split_row);
}

float TreeEnsembleScorer::FlatMargin(const double* row) const {
  const internal::FlatNode* nodes = forest_.nodes.data();
  const uint32_t* roots = forest_.roots.data();
  const uint32_t* depths = forest_.depths.data();
  const size_t n_trees = forest_.roots.size();
  // Accumulated in float, base margin first, in tree order: XGBoost's exact arithmetic.
  float margin = forest_.base_margin;
  size_t t = 0;
  // kLanes trees walked in lockstep: independent load chains overlap instead of waiting.
  for (; t + kLanes <= n_trees; t += kLanes) {
    uint32_t index[kLanes];
    uint32_t depth = 0;
    for (size_t k = 0; k < kLanes; ++k) {
      index[k] = roots[t + k];
      depth = std::max(depth, depths[t + k]);
    }
    for (uint32_t d = 0; d < depth; ++d) {
      for (size_t k = 0; k < kLanes; ++k) index[k] = internal::Step(nodes, index[k], row);
    }
    for (size_t k = 0; k < kLanes; ++k) margin += nodes[index[k]].value;
  }
  for (; t < n_trees; ++t) margin += nodes[internal::FindLeaf(nodes, roots[t], row)].value;
  return margin;
}

double TreeEnsembleScorer::ApplyLink(float margin) const {
  if (link_ == internal::Link::kSigmoid)
    return 1.0 / (1.0 + std::exp(-static_cast<double>(margin)));
  return margin;
}

double TreeEnsembleScorer::Margin(const double* row) const { return MarginFloat(row); }

double TreeEnsembleScorer::Score(const double* row) const { return ApplyLink(MarginFloat(row)); }

void TreeEnsembleScorer::ScoreBatch(const double* rows, size_t n_rows, double* out) const {
  if (!perfect_) return FlatScoreBatch(rows, n_rows, out);
  const size_t width = 2 * num_features_;
  const size_t block_rows = std::min(kBlockRows, kBatchScratchFloats / std::max<size_t>(width, 1));
  float split_rows[kBatchScratchFloats];
  float margins[kBlockRows];
  for (size_t start = 0; start < n_rows; start += block_rows) {
    const size_t n = std::min(block_rows, n_rows - start);
    for (size_t i = 0; i < n; ++i) {
      internal::MakeSplitRow(rows + (start + i) * num_features_, num_features_,
                             split_rows + i * width);
    }
    internal::PerfectMargins(*perfect_, split_rows, n, margins);
    for (size_t i = 0; i < n; ++i) out[start + i] = ApplyLink(margins[i]);
  }
}

void TreeEnsembleScorer::FlatScoreBatch(const double* rows, size_t n_rows, double* out) const {
  const internal::FlatNode* nodes = forest_.nodes.data();
  float margins[kBlockRows];
  uint32_t index[kBlockRows];
  for (size_t start = 0; start < n_rows; start += kBlockRows) {
    const size_t n = std::min(kBlockRows, n_rows - start);
    const double* block = rows + start * num_features_;
    std::fill_n(margins, n, forest_.base_margin);
    for (size_t t = 0; t < forest_.roots.size(); ++t) {
      std::fill_n(index, n, forest_.roots[t]);
      // Level by level over the whole block: the walks are independent, so their loads overlap.
      for (uint32_t d = 0; d < forest_.depths[t]; ++d) {
        for (size_t i = 0; i < n; ++i) {
          index[i] = internal::Step(nodes, index[i], block + i * num_features_);
        }
      }
      for (size_t i = 0; i < n; ++i) margins[i] += nodes[index[i]].value;
    }
    for (size_t i = 0; i < n; ++i) out[start + i] = ApplyLink(margins[i]);
  }
}

Status TreeEnsembleScorer::Contributions(const double* row, double* out) const {
  if (forest_.cover.empty()) {
    return FailedPrecondition(
        "tree ensemble: the model has no node cover (sum_hessian), which TreeSHAP needs");
  }
  if (forest_.max_depth > kMaxTreeShapDepth) {
    return FailedPrecondition("tree ensemble: a tree is " + std::to_string(forest_.max_depth) +
                              " levels deep, TreeSHAP supports at most " +
                              std::to_string(kMaxTreeShapDepth));
  }
  TreeShap(forest_, num_features_, row, out);
  return Status::Ok();
}

}  // namespace edgeloop::models
