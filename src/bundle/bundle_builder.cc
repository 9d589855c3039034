#include "bundle/bundle_builder.h"

#include <memory>
#include <utility>

#include "base/sha256.h"
#include "bundle/bundle_seal.h"
#include "bundle/golden.h"
#include "bundle/manifest_signature.h"
#include "models/scorer_loader.h"

namespace edgeloop::bundle {
namespace {

FileDigest DigestOf(const std::string& bytes) { return FileDigest{Sha256Hex(bytes), bytes.size()}; }

}  // namespace

Result<BundleContents> PrepareBundle(const BundleInputs& inputs) {
  const std::string what =
      "bundle of " + inputs.model_name + " v" + std::to_string(inputs.model_version);
  Result<std::unique_ptr<models::Scorer>> scorer =
      models::LoadScorer(inputs.model_kind, inputs.model_json);
  if (!scorer.ok()) return scorer.status().WithContext(what + ": " + std::string(kModelFile));
  if ((*scorer)->num_features() != inputs.feature_names.size()) {
    return InvalidArgument(what + ": the model takes " + std::to_string((*scorer)->num_features()) +
                           " features, but " + std::to_string(inputs.feature_names.size()) +
                           " feature names were given");
  }
  if (inputs.golden_rows.empty()) return InvalidArgument(what + ": expected golden rows");
  Status spec_ok = inputs.feature_spec.Validate();
  if (!spec_ok.ok()) return spec_ok.WithContext(what + ": feature spec");

  Result<GoldenSet> golden = GoldenSet::Compute(**scorer, inputs.feature_names, inputs.golden_rows);
  if (!golden.ok()) return golden.status().WithContext(what);

  BundleContents contents;
  Manifest& m = contents.manifest;
  m.name = inputs.model_name;
  m.version = inputs.model_version;
  m.model_kind = std::string((*scorer)->kind());
  m.input_schema = inputs.feature_names;
  m.feature_spec_yaml = inputs.feature_spec.ToYaml();
  m.feature_spec_digest = Sha256Hex(m.feature_spec_yaml);
  m.threshold = inputs.threshold;
  m.alert_policy = inputs.alert_policy;
  m.lineage = Lineage{inputs.run_id, inputs.dataset_digest, Sha256Hex(inputs.model_json),
                      inputs.model_version};
  m.reference_histograms = inputs.reference_histograms;
  m.created_ms = inputs.created_ms;

  contents.files[m.model_file] = inputs.model_json;
  contents.files[m.feature_spec_file] = m.feature_spec_yaml;
  contents.files[m.golden_file] = golden->ToCsv();
  for (const auto& [path, bytes] : contents.files) m.files[path] = DigestOf(bytes);

  Status valid = m.Validate();
  if (!valid.ok()) return valid.WithContext(what);
  return contents;
}

Result<std::string> SignAndPack(const BundleContents& contents, const SigningKey& key) {
  BundleFiles files = contents.files;
  const std::string manifest_json = contents.manifest.ToJson();
  files[std::string(kManifestFile)] = manifest_json;
  files[std::string(kSignatureFile)] = ManifestSignature::Sign(key, manifest_json).ToText();
  const int64_t created_ms = contents.manifest.created_ms;
  EL_ASSIGN_OR_RETURN(std::string archive,
                      PackBundle(files, created_ms > 0 ? created_ms / 1000 : 0));
  return SealBundle(archive, key);
}

Result<std::string> BuildBundle(const BundleInputs& inputs, const SigningKey& key) {
  EL_ASSIGN_OR_RETURN(BundleContents contents, PrepareBundle(inputs));
  return SignAndPack(contents, key);
}

}  // namespace edgeloop::bundle
