// TreeEnsembleScorer: a gradient-boosted tree ensemble compiled for scoring at the edge.
//
// Built from the JSON model that XGBoost saves (XGBoosterSaveModelToBuffer with
// {"format": "json"}); it needs no XGBoost at run time and gives the same scores: a split sends
// a row left when float(x) < threshold, a NaN follows the split's default direction, and leaf
// weights are summed in float starting from the model's base margin, tree by tree, as XGBoost's
// CPU predictor does. The score is the margin passed through the objective's link (sigmoid for
// binary:logistic and reg:logistic, identity for reg:squarederror and binary:logitraw).
//
// Scoring converts each row to floats once and walks every tree as a perfect binary tree with
// no data-dependent branch (internal/perfect_forest.h); forests deeper than 8 levels walk the
// general layout (internal/flat_forest.h) instead, with the same arithmetic.
//
// Immutable once built: all methods are const and thread-safe; Score and ScoreBatch allocate
// nothing (their scratch is a fixed block on the stack, at most 32 KiB). Contributions are
// exact path-dependent TreeSHAP values (see tree_shap.h); they need the node cover
// (sum_hessian) that XGBoost writes, and return FailedPrecondition without it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/internal/flat_forest.h"
#include "models/internal/perfect_forest.h"
#include "models/internal/xgboost_json.h"
#include "models/scorer.h"

namespace edgeloop::models {

class TreeEnsembleScorer final : public Scorer {
 public:
  static constexpr std::string_view kKind = "tree_ensemble";

  // InvalidArgument naming the field when the bytes are not a supported XGBoost JSON model:
  // not JSON; a missing or mistyped learner.gradient_booster.model.trees[*] array
  // (split_indices, split_conditions, left_children, right_children, default_left,
  // base_weights), learner.learner_model_param (base_score, num_feature) or
  // learner.objective.name; a malformed tree; an unsupported objective, multi-class model,
  // categorical split or booster.
  static Result<std::unique_ptr<TreeEnsembleScorer>> FromXgboostJson(std::string_view json);

  size_t num_features() const override { return num_features_; }
  const std::vector<std::string>& feature_names() const override { return feature_names_; }
  std::string_view kind() const override { return kKind; }

  double Score(const double* row) const override;
  void ScoreBatch(const double* rows, size_t n_rows, double* out) const override;
  Status Contributions(const double* row, double* out) const override;

  // The score before the link function.
  double Margin(const double* row) const;
  // learner.objective.name of the source model.
  const std::string& objective() const { return objective_; }
  size_t num_trees() const { return forest_.roots.size(); }
  size_t num_nodes() const { return forest_.nodes.size(); }
  // Deepest root-to-leaf path over all trees.
  size_t max_depth() const { return forest_.max_depth; }
  // Whether scoring walks the branch-free perfect-tree layout (internal/perfect_forest.h):
  // true for forests up to 8 levels deep on up to kMaxSplitRowFeatures features. Otherwise it
  // walks the general node layout; both give identical scores.
  bool uses_perfect_layout() const { return perfect_.has_value(); }

  // Widest row the perfect layout scores; its per-call scratch lives on the stack.
  static constexpr size_t kMaxSplitRowFeatures = 1024;

 private:
  explicit TreeEnsembleScorer(internal::XgboostModel model);

  float MarginFloat(const double* row) const;
  float FlatMargin(const double* row) const;
  void FlatScoreBatch(const double* rows, size_t n_rows, double* out) const;
  double ApplyLink(float margin) const;

  internal::FlatForest forest_;  // TreeSHAP, and scoring when perfect_ is empty
  std::optional<internal::PerfectForest> perfect_;
  size_t num_features_;
  std::vector<std::string> feature_names_;
  std::string objective_;
  internal::Link link_;
};

}  // namespace edgeloop::models
