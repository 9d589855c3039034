// Reads an XGBoost (1.x) JSON model into a FlatForest. The only translation unit of the module
// that includes nlohmann/json; nlohmann's exceptions are caught here and become a Status.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/internal/flat_forest.h"

namespace edgeloop::models::internal {

// How a margin becomes a score.
enum class Link { kIdentity, kSigmoid };

struct XgboostModel {
  FlatForest forest;
  size_t num_features = 0;
  std::vector<std::string> feature_names;  // "f0", "f1", ... when the model names none
  std::string objective;                   // learner.objective.name
  Link link = Link::kIdentity;
};

// InvalidArgument naming the offending field when the bytes are not JSON, a required field is
// missing or has the wrong type, a tree is malformed (child index out of range, a node reached
// twice, a split feature >= num_feature), or the model uses something the scorer does not
// support (objective, multi-class, categorical splits, a booster other than gbtree).
Result<XgboostModel> ParseXgboostJson(std::string_view json);

}  // namespace edgeloop::models::internal
