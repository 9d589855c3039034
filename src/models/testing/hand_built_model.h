// HandBuiltModel: writes a minimal XGBoost JSON model from trees given in code, so scorer tests
// need no trained model files. Test-only, header-only.
#pragma once

#include <string>
#include <vector>

namespace edgeloop::models::testing {

// One tree in XGBoost's own array-of-nodes form; node 0 is the root, -1 marks "no child".
// For a leaf, conditions[i] is its weight. An empty cover leaves sum_hessian out.
struct HandTree {
  std::vector<int> split_indices;
  std::vector<double> conditions;
  std::vector<int> lefts;
  std::vector<int> rights;
  std::vector<int> default_left;
  std::vector<double> cover;
};

inline std::string JsonArray(const auto& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(values[i]);
  }
  return out + "]";
}

inline std::string TreeJson(const HandTree& tree) {
  std::string out = "{\"split_indices\": " + JsonArray(tree.split_indices) +
                    ", \"split_conditions\": " + JsonArray(tree.conditions) +
                    ", \"left_children\": " + JsonArray(tree.lefts) +
                    ", \"right_children\": " + JsonArray(tree.rights) +
                    ", \"default_left\": " + JsonArray(tree.default_left) +
                    ", \"base_weights\": " + JsonArray(tree.conditions);
  if (!tree.cover.empty()) out += ", \"sum_hessian\": " + JsonArray(tree.cover);
  return out + "}";
}

// A complete model document; feature_names_json is a JSON array text or empty for none.
inline std::string ModelJson(const std::string& objective, const std::string& base_score,
                             int num_feature, const std::vector<HandTree>& trees,
                             const std::string& feature_names_json = "") {
  std::string trees_json = "[";
  for (size_t i = 0; i < trees.size(); ++i) trees_json += (i > 0 ? ", " : "") + TreeJson(trees[i]);
  trees_json += "]";
  std::string out = "{\"learner\": {";
  if (!feature_names_json.empty()) out += "\"feature_names\": " + feature_names_json + ", ";
  out += "\"gradient_booster\": {\"name\": \"gbtree\", \"model\": {\"trees\": " + trees_json +
         "}}, \"learner_model_param\": {\"base_score\": \"" + base_score +
         "\", \"num_class\": \"0\", \"num_feature\": \"" + std::to_string(num_feature) +
         "\"}, \"objective\": {\"name\": \"" + objective + "\"}}, \"version\": [1, 7, 4]}";
  return out;
}

}  // namespace edgeloop::models::testing
