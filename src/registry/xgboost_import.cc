#include "registry/xgboost_import.h"

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "registry/names.h"

namespace edgeloop::registry {
namespace {

using nlohmann::json;

// The object at `path` under `root`, or nullptr when any step is missing or not an object.
const json* Find(const json& root, std::initializer_list<const char*> path) {
  const json* node = &root;
  for (const char* key : path) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

// XGBoost writes numeric parameters as strings ("8"); accept numbers too.
Result<int> ReadCount(const json* node, const std::string& where) {
  if (node == nullptr) return InvalidArgument(where + " is missing");
  if (node->is_number_integer()) return node->get<int>();
  if (node->is_string()) {
    Result<int64_t> parsed = ParseInt(node->get<std::string>());
    if (parsed.ok() && *parsed >= 0 && *parsed <= 1'000'000) return static_cast<int>(*parsed);
  }
  return InvalidArgument(where + " is not a count: " + node->dump());
}

Result<XgboostModelInfo> Inspect(const json& root, const std::string& file,
                                 const std::vector<std::string>& override_names) {
  XgboostModelInfo info;
  if (Find(root, {"learner"}) == nullptr) {
    return InvalidArgument(file + ": not an XGBoost JSON model (no \"learner\" object)");
  }
  const json* booster = Find(root, {"learner", "gradient_booster", "name"});
  if (booster != nullptr && booster->is_string() && booster->get<std::string>() != "gbtree") {
    return InvalidArgument(file + ": booster '" + booster->get<std::string>() +
                           "' is not supported; only gbtree models can be imported");
  }
  const json* trees = Find(root, {"learner", "gradient_booster", "model", "trees"});
  if (trees == nullptr || !trees->is_array()) {
    return InvalidArgument(file +
                           ": learner.gradient_booster.model.trees is missing or not a list");
  }
  if (trees->empty()) return InvalidArgument(file + ": the model has no trees");
  info.num_trees = static_cast<int>(trees->size());

  const json* objective = Find(root, {"learner", "objective", "name"});
  if (objective == nullptr || !objective->is_string() || objective->get<std::string>().empty()) {
    return InvalidArgument(file + ": learner.objective.name is missing");
  }
  info.kind = "xgboost:" + objective->get<std::string>();

  EL_ASSIGN_OR_RETURN(info.num_feature,
                      ReadCount(Find(root, {"learner", "learner_model_param", "num_feature"}),
                                file + ": learner.learner_model_param.num_feature"));

  std::vector<std::string> from_file;
  if (const json* names = Find(root, {"learner", "feature_names"}); names != nullptr) {
    if (!names->is_array()) return InvalidArgument(file + ": learner.feature_names is not a list");
    for (const json& name : *names) {
      if (!name.is_string()) {
        return InvalidArgument(file + ": learner.feature_names holds a value that is not a string");
      }
      from_file.push_back(name.get<std::string>());
    }
  }
  const bool overridden = !override_names.empty();
  info.feature_names = overridden ? override_names : from_file;
  if (info.feature_names.empty()) {
    return InvalidArgument(file +
                           ": the model has no feature names (learner.feature_names is "
                           "empty); give them with --feature-names");
  }
  if (static_cast<int>(info.feature_names.size()) != info.num_feature) {
    return InvalidArgument(file + ": " + std::to_string(info.feature_names.size()) +
                           " feature names " + (overridden ? "were given" : "are in the file") +
                           " but the model has " + std::to_string(info.num_feature) +
                           " features (learner.learner_model_param.num_feature)");
  }
  return info;
}

}  // namespace

Result<XgboostModelInfo> InspectXgboostJson(
    std::string_view json_bytes, std::string_view source,
    const std::vector<std::string>& feature_names_override) {
  const std::string file(source);
  json root = json::parse(json_bytes, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return InvalidArgument(file +
                           ": not a JSON document (an XGBoost model saved as .json is "
                           "expected; .ubj and binary models are not supported)");
  }
  try {
    return Inspect(root, file, feature_names_override);
  } catch (const json::exception& e) {
    return InvalidArgument(file + ": unexpected XGBoost JSON layout: " + e.what());
  }
}

Result<ModelVersion> ImportXgboostModel(const XgboostImport& request, FileSystem& fs,
                                        store::ArtifactStore& artifacts, Registry& registry) {
  EL_RETURN_IF_ERROR(ValidateModelName(request.model));
  EL_ASSIGN_OR_RETURN(std::string bytes, fs.ReadFile(request.json_path));
  EL_ASSIGN_OR_RETURN(XgboostModelInfo info,
                      InspectXgboostJson(bytes, request.json_path, request.feature_names_override));
  EL_ASSIGN_OR_RETURN(std::string digest, artifacts.Put(bytes));
  NewModelVersion spec;
  spec.model = request.model;
  spec.description = request.description;
  spec.kind = info.kind;
  spec.model_digest = digest;
  spec.feature_names = info.feature_names;
  spec.threshold = request.threshold;
  spec.source = "imported from " + request.json_path;
  return registry.CreateModelVersion(spec);
}

}  // namespace edgeloop::registry
