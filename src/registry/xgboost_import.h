// Importing XGBoost models trained elsewhere (e.g. in Python) as model versions.
//
// An XGBoost JSON model (Booster.save_model("m.json")) must parse, use the gbtree booster with
// trees at learner.gradient_booster.model.trees, and name its objective
// (learner.objective.name); its kind becomes "xgboost:<objective>". Feature names come from
// learner.feature_names or, when given, from an override; either way their count must equal
// learner.learner_model_param.num_feature. The file's bytes are stored unchanged in the artifact
// store and a new version is registered with source "imported from <file>".
//
// Errors: InvalidArgument naming the file and the field for anything that does not fit; file
// system, artifact store and registry errors as they come.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_system.h"
#include "base/status.h"
#include "registry/model.h"
#include "registry/registry.h"
#include "store/artifact_store.h"

namespace edgeloop::registry {

struct XgboostModelInfo {
  std::string kind;  // "xgboost:binary:logistic"
  std::vector<std::string> feature_names;
  int num_feature = 0;
  int num_trees = 0;
};

// Checks `json_bytes`; `source` names the file in messages. An empty override means "use the
// names in the model".
Result<XgboostModelInfo> InspectXgboostJson(std::string_view json_bytes, std::string_view source,
                                            const std::vector<std::string>& feature_names_override);

struct XgboostImport {
  std::string model;                                // registry model name
  std::string json_path;                            // the XGBoost JSON file
  std::vector<std::string> feature_names_override;  // empty = from the file
  std::optional<double> threshold;
  std::string description;  // for a model created by this import
};

Result<ModelVersion> ImportXgboostModel(const XgboostImport& request, FileSystem& fs,
                                        store::ArtifactStore& artifacts, Registry& registry);

}  // namespace edgeloop::registry
