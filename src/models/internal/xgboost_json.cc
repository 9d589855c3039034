#include "models/internal/xgboost_json.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/strings.h"

namespace edgeloop::models::internal {
namespace {

using Json = nlohmann::json;

constexpr uint32_t kMaxIndex = 0x7FFFFFFFu;  // feature and node indices must fit in 31 bits

Status Bad(const std::string& path, std::string_view what) {
  return InvalidArgument("xgboost model: " + path + " " + std::string(what));
}

// The member `key` of the object at `path`, or an error naming the missing field.
Result<const Json*> Member(const Json& parent, const std::string& path, const char* key) {
  if (!parent.is_object()) return Bad(path, "is not an object");
  auto it = parent.find(key);
  if (it == parent.end()) return Bad(path + "." + key, "is missing");
  return &*it;
}

// A number that XGBoost may write either as a JSON number or as a string ("3E-1").
Result<double> Number(const Json& value, const std::string& path) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    auto parsed = ParseDouble(value.get_ref<const std::string&>());
    if (parsed.ok()) return *parsed;
  }
  return Bad(path, "is not a number");
}

Result<int64_t> Integer(const Json& value, const std::string& path) {
  EL_ASSIGN_OR_RETURN(double number, Number(value, path));
  if (!(std::floor(number) == number) || std::fabs(number) > 9e15) {
    return Bad(path, "is not an integer");
  }
  return static_cast<int64_t>(number);
}

Result<std::vector<int64_t>> IntArray(const Json& tree, const std::string& path, const char* key) {
  EL_ASSIGN_OR_RETURN(const Json* array, Member(tree, path, key));
  const std::string field = path + "." + key;
  if (!array->is_array()) return Bad(field, "is not an array");
  std::vector<int64_t> out;
  out.reserve(array->size());
  for (const Json& v : *array) {
    if (v.is_boolean()) {
      out.push_back(v.get<bool>() ? 1 : 0);
    } else if (v.is_number_integer()) {
      out.push_back(v.get<int64_t>());
    } else {
      return Bad(field + "[" + std::to_string(out.size()) + "]", "is not an integer");
    }
  }
  return out;
}

Result<std::vector<float>> FloatArray(const Json& tree, const std::string& path, const char* key) {
  EL_ASSIGN_OR_RETURN(const Json* array, Member(tree, path, key));
  const std::string field = path + "." + key;
  if (!array->is_array()) return Bad(field, "is not an array");
  std::vector<float> out;
  out.reserve(array->size());
  for (const Json& v : *array) {
    if (!v.is_number()) return Bad(field + "[" + std::to_string(out.size()) + "]", "is not a number");
    out.push_back(v.get<float>());
  }
  return out;
}

// Appends one tree to the forest, breadth first with sibling children adjacent.
Status AppendTree(const Json& tree, const std::string& path, size_t num_features,
                  FlatForest* forest, bool* has_cover) {
  EL_ASSIGN_OR_RETURN(std::vector<int64_t> split_indices, IntArray(tree, path, "split_indices"));
  EL_ASSIGN_OR_RETURN(std::vector<float> conditions, FloatArray(tree, path, "split_conditions"));
  EL_ASSIGN_OR_RETURN(std::vector<int64_t> lefts, IntArray(tree, path, "left_children"));
  EL_ASSIGN_OR_RETURN(std::vector<int64_t> rights, IntArray(tree, path, "right_children"));
  EL_ASSIGN_OR_RETURN(std::vector<int64_t> default_left, IntArray(tree, path, "default_left"));
  EL_ASSIGN_OR_RETURN(std::vector<float> base_weights, FloatArray(tree, path, "base_weights"));
  const size_t n = split_indices.size();
  if (n == 0) return Bad(path + ".split_indices", "is empty (a tree needs at least one node)");
  const std::pair<const char*, size_t> sizes[] = {
      {"split_conditions", conditions.size()}, {"left_children", lefts.size()},
      {"right_children", rights.size()},       {"default_left", default_left.size()},
      {"base_weights", base_weights.size()}};
  for (const auto& [name, size] : sizes) {
    if (size != n) {
      return Bad(path + "." + name, "has " + std::to_string(size) + " entries, expected " +
                                        std::to_string(n) + " like split_indices");
    }
  }
  if (auto it = tree.find("split_type"); it != tree.end() && it->is_array()) {
    for (const Json& v : *it) {
      if (!v.is_number_integer() || v.get<int64_t>() != 0) {
        return Bad(path + ".split_type", "has a categorical split, which is not supported");
      }
    }
  }
  std::vector<float> cover;
  if (auto it = tree.find("sum_hessian"); it != tree.end()) {
    EL_ASSIGN_OR_RETURN(cover, FloatArray(tree, path, "sum_hessian"));
    if (cover.size() != n) return Bad(path + ".sum_hessian", "does not have one entry per node");
  } else {
    *has_cover = false;
  }

  const size_t base = forest->nodes.size();
  uint32_t tree_depth = 0;
  if (base + n > kMaxIndex) return Bad(path, "makes the ensemble too large");
  std::vector<int64_t> order = {0};  // original node ids in flat order
  std::vector<uint32_t> depth = {0};
  std::vector<char> seen(n, 0);
  seen[0] = 1;
  for (size_t k = 0; k < order.size(); ++k) {
    const int64_t id = order[k];
    const std::string node = path + " node " + std::to_string(id);
    FlatNode flat{conditions[id], 0, 0};
    if (lefts[id] == -1) {
      if (rights[id] != -1) return Bad(node, "has no left child but a right child");
    } else {
      const int64_t l = lefts[id];
      const int64_t r = rights[id];
      if (l < 0 || r < 0 || l >= static_cast<int64_t>(n) || r >= static_cast<int64_t>(n)) {
        return Bad(node, "has a child index outside [0, " + std::to_string(n) + ")");
      }
      if (seen[l] || seen[r] || l == r) return Bad(node, "has a child that is reached twice");
      if (split_indices[id] < 0 || split_indices[id] >= static_cast<int64_t>(num_features)) {
        return Bad(node, "splits on feature " + std::to_string(split_indices[id]) +
                             ", expected one below num_feature " + std::to_string(num_features));
      }
      seen[l] = seen[r] = 1;
      flat.feature_and_default = static_cast<uint32_t>(split_indices[id]) |
                                 (default_left[id] != 0 ? FlatNode::kDefaultLeftBit : 0u);
      flat.left = static_cast<uint32_t>(base + order.size());
      order.push_back(l);
      order.push_back(r);
      depth.push_back(depth[k] + 1);
      depth.push_back(depth[k] + 1);
      tree_depth = std::max(tree_depth, depth[k] + 1);
    }
    forest->nodes.push_back(flat);
    forest->cover.push_back(cover.empty() ? 0.0f : cover[id]);
  }
  forest->roots.push_back(static_cast<uint32_t>(base));
  forest->depths.push_back(tree_depth);
  forest->max_depth = std::max(forest->max_depth, tree_depth);
  return Status::Ok();
}

// Expected value of every tree as XGBoost computes it for the SHAP bias: the cover-weighted
// mean of the children, divided by the parent's own cover, in float.
void FillExpectedValues(FlatForest* forest) {
  forest->expected_values.clear();
  for (size_t t = 0; t < forest->roots.size(); ++t) {
    const size_t begin = forest->roots[t];
    const size_t end = t + 1 < forest->roots.size() ? forest->roots[t + 1] : forest->nodes.size();
    std::vector<float> mean(end - begin);
    // Children come after their parent, so walking backwards sees children first.
    for (size_t i = end; i-- > begin;) {
      const FlatNode& node = forest->nodes[i];
      if (node.is_leaf()) {
        mean[i - begin] = node.value;
      } else {
        const size_t l = node.left;
        float m = mean[l - begin] * forest->cover[l];
        m += mean[l + 1 - begin] * forest->cover[l + 1];
        mean[i - begin] = m / forest->cover[i];
      }
    }
    forest->expected_values.push_back(mean[0]);
  }
}

Status ReadObjective(const Json& learner, XgboostModel* model) {
  EL_ASSIGN_OR_RETURN(const Json* objective, Member(learner, "learner", "objective"));
  EL_ASSIGN_OR_RETURN(const Json* name, Member(*objective, "learner.objective", "name"));
  if (!name->is_string()) return Bad("learner.objective.name", "is not a string");
  model->objective = name->get<std::string>();
  if (model->objective == "binary:logistic" || model->objective == "reg:logistic") {
    model->link = Link::kSigmoid;
  } else if (model->objective == "reg:squarederror" || model->objective == "reg:linear" ||
             model->objective == "binary:logitraw") {
    model->link = Link::kIdentity;
  } else {
    return Bad("learner.objective.name", "is '" + model->objective +
                                             "', expected binary:logistic, binary:logitraw, "
                                             "reg:logistic or reg:squarederror");
  }
  return Status::Ok();
}

Status ReadModelParams(const Json& learner, XgboostModel* model) {
  const std::string path = "learner.learner_model_param";
  EL_ASSIGN_OR_RETURN(const Json* params, Member(learner, "learner", "learner_model_param"));
  EL_ASSIGN_OR_RETURN(const Json* num_feature, Member(*params, path, "num_feature"));
  EL_ASSIGN_OR_RETURN(int64_t features, Integer(*num_feature, path + ".num_feature"));
  if (features < 1 || features > kMaxIndex) return Bad(path + ".num_feature", "is out of range");
  model->num_features = static_cast<size_t>(features);
  for (const char* key : {"num_class", "num_target"}) {
    if (auto it = params->find(key); it != params->end()) {
      EL_ASSIGN_OR_RETURN(int64_t count, Integer(*it, path + "." + key));
      if (count > 1) return Bad(path + "." + key, "is above 1; multi-output models are not supported");
    }
  }
  EL_ASSIGN_OR_RETURN(const Json* base_score_json, Member(*params, path, "base_score"));
  EL_ASSIGN_OR_RETURN(double base_score, Number(*base_score_json, path + ".base_score"));
  // XGBoost 1.x stores base_score on the score scale and maps it to a margin in float.
  const float base = static_cast<float>(base_score);
  if (model->link == Link::kSigmoid || model->objective == "binary:logitraw") {
    if (!(base > 0.0f && base < 1.0f)) {
      return Bad(path + ".base_score", "is " + FormatDouble(base_score) +
                                           ", expected a probability in (0, 1) for " +
                                           model->objective);
    }
    model->forest.base_margin = -std::log(1.0f / base - 1.0f);
  } else {
    if (!std::isfinite(base)) return Bad(path + ".base_score", "is not finite");
    model->forest.base_margin = base;
  }
  return Status::Ok();
}

Status ReadFeatureNames(const Json& learner, XgboostModel* model) {
  model->feature_names.clear();
  if (auto it = learner.find("feature_names"); it != learner.end() && !it->empty()) {
    if (!it->is_array()) return Bad("learner.feature_names", "is not an array");
    if (it->size() != model->num_features) {
      return Bad("learner.feature_names", "has " + std::to_string(it->size()) +
                                              " names, expected num_feature " +
                                              std::to_string(model->num_features));
    }
    for (const Json& name : *it) {
      if (!name.is_string()) return Bad("learner.feature_names", "holds a name that is not a string");
      model->feature_names.push_back(name.get<std::string>());
    }
    return Status::Ok();
  }
  for (size_t i = 0; i < model->num_features; ++i) {
    model->feature_names.push_back("f" + std::to_string(i));
  }
  return Status::Ok();
}

Status ReadTrees(const Json& learner, XgboostModel* model) {
  EL_ASSIGN_OR_RETURN(const Json* booster, Member(learner, "learner", "gradient_booster"));
  if (auto it = booster->find("name"); it != booster->end()) {
    if (!it->is_string() || it->get<std::string>() != "gbtree") {
      return Bad("learner.gradient_booster.name", "is " + it->dump() + ", expected \"gbtree\"");
    }
  }
  EL_ASSIGN_OR_RETURN(const Json* gbtree, Member(*booster, "learner.gradient_booster", "model"));
  const std::string path = "learner.gradient_booster.model";
  EL_ASSIGN_OR_RETURN(const Json* trees, Member(*gbtree, path, "trees"));
  if (!trees->is_array()) return Bad(path + ".trees", "is not an array");
  if (trees->empty()) return Bad(path + ".trees", "is empty");
  bool has_cover = true;
  for (size_t t = 0; t < trees->size(); ++t) {
    EL_RETURN_IF_ERROR(AppendTree((*trees)[t], path + ".trees[" + std::to_string(t) + "]",
                                  model->num_features, &model->forest, &has_cover));
  }
  if (has_cover) {
    FillExpectedValues(&model->forest);
  } else {
    model->forest.cover.clear();
  }
  return Status::Ok();
}

}  // namespace

Result<XgboostModel> ParseXgboostJson(std::string_view json) {
  try {
    Json doc = Json::parse(json.begin(), json.end());
    XgboostModel model;
    EL_ASSIGN_OR_RETURN(const Json* learner, Member(doc, "(document)", "learner"));
    EL_RETURN_IF_ERROR(ReadObjective(*learner, &model));
    EL_RETURN_IF_ERROR(ReadModelParams(*learner, &model));
    EL_RETURN_IF_ERROR(ReadFeatureNames(*learner, &model));
    EL_RETURN_IF_ERROR(ReadTrees(*learner, &model));
    return model;
  } catch (const Json::exception& e) {
    return InvalidArgument(std::string("xgboost model: not valid JSON: ") + e.what());
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("xgboost model: cannot be read: ") + e.what());
  }
}

}  // namespace edgeloop::models::internal
