// BuildBundle: turns a model and everything a device needs to run it into a signed bundle file.
//
// From plain inputs (the caller looks the model version up in the registry): it compiles the
// model to check it (models::LoadScorer for its kind), scores the golden rows, writes model.json,
// feature_spec.yaml (canonical text), golden.csv and manifest.json (with the sha256 and size of
// every file), signs the manifest bytes into manifest.sig, packs everything (bundle_writer.h)
// and seals the compressed bytes with the same key (bundle_seal.h).
// The same inputs and key give the same bytes; the entries' mtime is created_ms in seconds.
//
// Stateless and thread-safe. Errors: InvalidArgument naming the input that is wrong (a model
// that does not parse, a feature count that differs from the model's, no golden rows, a spec or
// manifest field that does not validate); Internal from the archive writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "bundle/bundle_writer.h"
#include "bundle/manifest.h"
#include "bundle/signing_key.h"
#include "features/feature_spec.h"

namespace edgeloop::bundle {

struct BundleInputs {
  std::string model_name;
  int64_t model_version = 0;
  std::string model_kind = "tree_ensemble";  // a models::ScorerKinds() kind
  std::string model_json;                    // the model file's bytes (XGBoost JSON for trees)
  std::vector<std::string> feature_names;  // the model's input columns, in row order
  features::FeatureSpec feature_spec;
  double threshold = 0.5;
  AlertPolicy alert_policy;
  std::string run_id;
  std::string dataset_digest;
  std::vector<ReferenceHistogram> reference_histograms;  // may be empty
  std::vector<std::vector<double>> golden_rows;          // at least one
  int64_t created_ms = 0;
};

Result<std::string> BuildBundle(const BundleInputs& inputs, const SigningKey& key);

// The manifest and files BuildBundle would sign and pack (without manifest.json/manifest.sig),
// for callers that want to inspect them.
struct BundleContents {
  Manifest manifest;
  BundleFiles files;
};
Result<BundleContents> PrepareBundle(const BundleInputs& inputs);

// Signs `contents.manifest` with `key`, packs it with the files and seals the result.
Result<std::string> SignAndPack(const BundleContents& contents, const SigningKey& key);

}  // namespace edgeloop::bundle
