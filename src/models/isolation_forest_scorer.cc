#include "models/isolation_forest_scorer.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <nlohmann/json.hpp>

#include "models/internal/json_fields.h"

namespace edgeloop::models {
namespace {

constexpr std::string_view kFormat = "edgeloop.isolation_forest";
constexpr std::string_view kWhat = "isolation forest model";
constexpr double kEulerGamma = 0.5772156649015329;

Status Bad(const std::string& message) {
  return InvalidArgument("isolation forest model: " + message);
}

Status CheckTree(const IsolationTree& tree, size_t t, size_t d) {
  const std::string name = "trees[" + std::to_string(t) + "]";
  const size_t n = tree.feature.size();
  if (n == 0) return Bad(name + " has no nodes");
  if (tree.threshold.size() != n || tree.left.size() != n || tree.right.size() != n ||
      tree.size.size() != n) {
    return Bad(name + ": feature, threshold, left, right and size must have the same length");
  }
  for (size_t i = 0; i < n; ++i) {
    const std::string node = name + " node " + std::to_string(i);
    if (tree.feature[i] < 0) {
      if (tree.left[i] != -1 || tree.right[i] != -1) return Bad(node + ": a leaf has children");
      if (tree.size[i] < 0) return Bad(node + ": size is negative");
      continue;
    }
    if (static_cast<size_t>(tree.feature[i]) >= d) return Bad(node + ": feature out of range");
    if (!std::isfinite(tree.threshold[i])) return Bad(node + ": threshold is not finite");
    // Children after their parent: every walk moves forward, so it ends.
    for (int32_t c : {tree.left[i], tree.right[i]}) {
      if (c <= static_cast<int32_t>(i) || static_cast<size_t>(c) >= n) {
        return Bad(node + ": child index " + std::to_string(c) + " is not after the node");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

double AveragePathLength(int64_t n) {
  if (n <= 1) return 0.0;
  if (n == 2) return 1.0;
  const double m = static_cast<double>(n);
  return 2.0 * (std::log(m - 1.0) + kEulerGamma) - 2.0 * (m - 1.0) / m;
}

Result<std::unique_ptr<IsolationForestScorer>> IsolationForestScorer::Create(
    IsolationForestModel model) {
  const size_t d = model.feature_names.size();
  if (d == 0) return Bad("feature_names is empty");
  if (model.means.size() != d ||
      !std::all_of(model.means.begin(), model.means.end(), [](double x) { return std::isfinite(x); })) {
    return Bad("means must hold " + std::to_string(d) + " finite values");
  }
  if (model.scales.size() != d || !std::all_of(model.scales.begin(), model.scales.end(), [](double x) {
        return std::isfinite(x) && x > 0;
      })) {
    return Bad("scales must hold " + std::to_string(d) + " finite positive values");
  }
  if (model.sample_size < 2) return Bad("sample_size must be at least 2");
  if (model.trees.empty()) return Bad("trees is empty");
  for (size_t t = 0; t < model.trees.size(); ++t) EL_RETURN_IF_ERROR(CheckTree(model.trees[t], t, d));
  return std::unique_ptr<IsolationForestScorer>(new IsolationForestScorer(std::move(model)));
}

Result<std::unique_ptr<IsolationForestScorer>> IsolationForestScorer::FromJson(
    std::string_view json) {
  EL_ASSIGN_OR_RETURN(nlohmann::json doc, internal::ParseJsonObject(json, kWhat));
  EL_RETURN_IF_ERROR(internal::CheckFormat(doc, kFormat, kVersion, kWhat));
  IsolationForestModel model;
  EL_ASSIGN_OR_RETURN(model.feature_names, internal::JsonStrings(doc, "feature_names", kWhat));
  EL_ASSIGN_OR_RETURN(model.means, internal::JsonDoubles(doc, "means", kWhat));
  EL_ASSIGN_OR_RETURN(model.scales, internal::JsonDoubles(doc, "scales", kWhat));
  EL_ASSIGN_OR_RETURN(model.sample_size, internal::JsonInt(doc, "sample_size", kWhat));
  auto trees = doc.find("trees");
  if (trees == doc.end() || !trees->is_array()) return Bad("trees is not an array");
  for (size_t t = 0; t < trees->size(); ++t) {
    const nlohmann::json& node = (*trees)[t];
    if (!node.is_object()) return Bad("trees[" + std::to_string(t) + "] is not an object");
    const std::string what = std::string(kWhat) + ": trees[" + std::to_string(t) + "]";
    IsolationTree tree;
    EL_ASSIGN_OR_RETURN(std::vector<int64_t> feature, internal::JsonInts(node, "feature", what));
    EL_ASSIGN_OR_RETURN(tree.threshold, internal::JsonDoubles(node, "threshold", what));
    EL_ASSIGN_OR_RETURN(std::vector<int64_t> left, internal::JsonInts(node, "left", what));
    EL_ASSIGN_OR_RETURN(std::vector<int64_t> right, internal::JsonInts(node, "right", what));
    EL_ASSIGN_OR_RETURN(tree.size, internal::JsonInts(node, "size", what));
    for (int64_t f : feature) tree.feature.push_back(static_cast<int32_t>(std::clamp<int64_t>(f, -1, 1 << 30)));
    for (int64_t c : left) tree.left.push_back(static_cast<int32_t>(std::clamp<int64_t>(c, -1, 1 << 30)));
    for (int64_t c : right) tree.right.push_back(static_cast<int32_t>(std::clamp<int64_t>(c, -1, 1 << 30)));
    model.trees.push_back(std::move(tree));
  }
  return Create(std::move(model));
}

std::string IsolationForestScorer::ToJson() const {
  nlohmann::json trees = nlohmann::json::array();
  for (const IsolationTree& t : model_.trees) {
    trees.push_back({{"feature", t.feature},
                     {"threshold", t.threshold},
                     {"left", t.left},
                     {"right", t.right},
                     {"size", t.size}});
  }
  nlohmann::json doc = {{"format", kFormat},
                        {"version", kVersion},
                        {"feature_names", model_.feature_names},
                        {"means", model_.means},
                        {"scales", model_.scales},
                        {"sample_size", model_.sample_size},
                        {"trees", std::move(trees)}};
  return doc.dump();
}

IsolationForestScorer::IsolationForestScorer(IsolationForestModel model)
    : model_(std::move(model)) {
  for (const IsolationTree& t : model_.trees) {
    for (size_t i = 0; i < t.feature.size(); ++i) {
      leaf_depth_bonus_.push_back(t.feature[i] < 0 ? AveragePathLength(t.size[i]) : 0.0);
    }
  }
  normaliser_ = AveragePathLength(model_.sample_size);
}

double IsolationForestScorer::MeanPathLength(const double* row) const {
  double total = 0;
  size_t offset = 0;
  for (const IsolationTree& t : model_.trees) {
    int32_t node = 0;
    int depth = 0;
    while (t.feature[node] >= 0) {
      const int32_t f = t.feature[node];
      const double x = row[f];
      // Missing or broken values are imputed with the training mean (z = 0).
      const double z = std::isfinite(x) ? (x - model_.means[f]) / model_.scales[f] : 0.0;
      node = z < t.threshold[node] ? t.left[node] : t.right[node];
      ++depth;
    }
    total += depth + leaf_depth_bonus_[offset + static_cast<size_t>(node)];
    offset += t.feature.size();
  }
  return total / static_cast<double>(model_.trees.size());
}

double IsolationForestScorer::Score(const double* row) const {
  return std::pow(2.0, -MeanPathLength(row) / normaliser_);
}

void IsolationForestScorer::ScoreBatch(const double* rows, size_t n_rows, double* out) const {
  const size_t d = num_features();
  for (size_t r = 0; r < n_rows; ++r) out[r] = Score(rows + r * d);
}

Status IsolationForestScorer::Contributions(const double* /*row*/, double* /*out*/) const {
  return FailedPrecondition(
      "isolation forest model: per-feature contributions are not defined for this kind");
}

}  // namespace edgeloop::models
