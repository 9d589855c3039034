// BundleJob: `edgeloop bundle build` — a registered model version to a signed bundle.
//
// Resolves NAME@ALIAS / NAME@VERSION in the registry, takes the model artifact, the feature spec
// and alert policy its training run recorded, and golden inputs drawn deterministically from the
// model itself (GoldenRowsForModel: every tree's branches, the anomaly models' standardisation,
// and missing values are exercised), then
// builds, signs and seals the bundle (bundle/bundle_builder.h) and stores it in the artifact
// store under its digest. The same version and key give the same bundle bytes.
//
// Errors: NotFound for an unknown model, version or alias; FailedPrecondition for a version
// that no edgeloop training run made (an imported model has no feature spec to ship with);
// DataLoss when a recorded artifact is missing or does not verify.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "bundle/signing_key.h"
#include "registry/registry.h"
#include "store/workspace.h"

namespace edgeloop::pipeline {

struct BuiltBundle {
  std::string bytes;
  std::string digest;  // sha256 of bytes; the bundle is stored as this artifact
  registry::ModelVersion version;
};

Result<BuiltBundle> BuildBundleForVersion(const std::string& model_ref,
                                          const bundle::SigningKey& key,
                                          store::Workspace& workspace,
                                          registry::Registry& registry);

// `count` rows of `num_features` values drawn (seeded by `seed`) around the split points the
// XGBoost JSON model uses for each feature, with about 5 % missing values.
Result<std::vector<std::vector<double>>> GoldenRowsFromSplits(const std::string& model_json,
                                                              size_t num_features, size_t count,
                                                              uint64_t seed);

// The bundle (models::LoadScorer) kind of a registry model kind: "tree_ensemble" for
// "xgboost:<objective>" (and for an empty kind), the kind itself otherwise.
std::string BundleModelKind(std::string_view registry_kind);

// `count` golden rows for a model of bundle kind `kind`: GoldenRowsFromSplits for trees; for pca
// and isolation_forest, rows around the model's training means in units of its scales (a quarter
// of them far out, so both sides of the threshold are exercised) and, for the forest, around its
// split points; about 5 % missing values. DataLoss when the model does not parse.
Result<std::vector<std::vector<double>>> GoldenRowsForModel(std::string_view kind,
                                                            const std::string& model_json,
                                                            size_t num_features, size_t count,
                                                            uint64_t seed);

}  // namespace edgeloop::pipeline
