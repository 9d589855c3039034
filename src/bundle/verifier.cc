#include "bundle/verifier.h"

#include <utility>

#include "base/sha256.h"
#include "bundle/bundle_seal.h"
#include "bundle/golden.h"
#include "bundle/manifest_signature.h"
#include "models/scorer_loader.h"

namespace edgeloop::bundle {
namespace {

// Prefixes every failure with the bundle's short digest.
class Checker {
 public:
  explicit Checker(std::string digest) : prefix_("bundle " + ShortDigest(digest) + ": ") {}

  Status Fail(const std::string& message) const { return DataLoss(prefix_ + message); }
  Status Wrap(const Status& status, const std::string& check) const {
    return Status(status.code(), prefix_ + check + ": " + status.message());
  }
  Status Denied(const std::string& message) const { return PermissionDenied(prefix_ + message); }

 private:
  std::string prefix_;
};

Status CheckSignature(const Checker& c, const BundleFiles& files,
                      const std::vector<PublicKey>& trusted, std::string* signer) {
  const std::string& manifest_bytes = files.at(std::string(kManifestFile));
  Result<ManifestSignature> sig = ManifestSignature::Parse(files.at(std::string(kSignatureFile)));
  if (!sig.ok()) return c.Wrap(sig.status(), "manifest signature is malformed");
  for (const PublicKey& key : trusted) {
    // The key id must be the verifying key's, so not even the hint can change unnoticed.
    if (key.key_id() == sig->key_id && sig->VerifiedBy(key, manifest_bytes)) {
      *signer = key.key_id();
      return Status::Ok();
    }
  }
  return c.Denied("manifest signature does not verify with any trusted key (signed by key " +
                  sig->key_id + ", " + std::to_string(trusted.size()) + " keys trusted)");
}

// The seal must be the manifest signer's, over the exact compressed bytes.
Status CheckSeal(const Checker& c, const SealedBundle& sealed,
                 const std::vector<PublicKey>& trusted, const std::string& signer) {
  for (const PublicKey& key : trusted) {
    if (key.key_id() == signer && sealed.VerifiedBy(key)) return Status::Ok();
  }
  return c.Denied("bundle file seal does not verify with the manifest's signing key " + signer +
                  " (sealed by key " + sealed.key_id + "): the compressed bytes were changed");
}

Status CheckFiles(const Checker& c, const Manifest& m, const BundleFiles& files) {
  for (const auto& [path, expected] : m.files) {
    auto it = files.find(path);
    if (it == files.end()) return c.Fail("file " + path + " is listed in the manifest but missing");
    if (it->second.size() != expected.size) {
      return c.Fail("file " + path + " has " + std::to_string(it->second.size()) +
                    " bytes, the manifest says " + std::to_string(expected.size));
    }
    std::string actual = Sha256Hex(it->second);
    if (actual != expected.sha256) {
      return c.Fail("file " + path + " has sha256 " + ShortDigest(actual) + ", the manifest says " +
                    ShortDigest(expected.sha256));
    }
  }
  for (const auto& [path, bytes] : files) {
    if (path == kManifestFile || path == kSignatureFile) continue;
    if (!m.files.count(path)) return c.Fail("file " + path + " is not listed in the manifest");
  }
  for (const std::string* needed : {&m.model_file, &m.feature_spec_file, &m.golden_file}) {
    if (!m.files.count(*needed)) {
      return c.Fail("the manifest does not list its own file " + *needed);
    }
  }
  return Status::Ok();
}

Result<features::FeatureSpec> CheckFeatureSpec(const Checker& c, const Manifest& m,
                                               const BundleFiles& files) {
  const std::string& text = files.at(m.feature_spec_file);
  if (text != m.feature_spec_yaml) {
    return c.Fail(m.feature_spec_file + " differs from the feature spec text in the manifest");
  }
  std::string digest = Sha256Hex(text);
  if (digest != m.feature_spec_digest) {
    return c.Fail("feature spec digest " + ShortDigest(digest) + " does not match the manifest's " +
                  ShortDigest(m.feature_spec_digest));
  }
  Result<features::FeatureSpec> spec = features::FeatureSpec::Parse(text, m.feature_spec_file);
  if (!spec.ok()) return c.Wrap(spec.status(), "feature spec does not parse");
  if (spec->Digest() != m.feature_spec_digest) {
    return c.Fail("feature spec text is not canonical: it parses to digest " +
                  ShortDigest(spec->Digest()) + ", the manifest says " +
                  ShortDigest(m.feature_spec_digest));
  }
  return spec;
}

Result<std::shared_ptr<const models::Scorer>> CheckModel(const Checker& c, const Manifest& m,
                                                         const BundleFiles& files) {
  const std::string& model_bytes = files.at(m.model_file);
  if (Sha256Hex(model_bytes) != m.lineage.model_digest) {
    return c.Fail("model digest does not match lineage.model_digest " +
                  ShortDigest(m.lineage.model_digest));
  }
  Result<std::unique_ptr<models::Scorer>> scorer = models::LoadScorer(m.model_kind, model_bytes);
  if (!scorer.ok()) return c.Wrap(scorer.status(), "model does not load");
  if ((*scorer)->num_features() != m.input_schema.size()) {
    return c.Fail("model takes " + std::to_string((*scorer)->num_features()) +
                  " features, the input schema has " + std::to_string(m.input_schema.size()));
  }
  return std::shared_ptr<const models::Scorer>(std::move(*scorer));
}

Status CheckGolden(const Checker& c, const Manifest& m, const BundleFiles& files,
                   const models::Scorer& scorer) {
  Result<GoldenSet> golden = GoldenSet::Parse(files.at(m.golden_file));
  if (!golden.ok()) return c.Wrap(golden.status(), "golden file does not parse");
  if (golden->feature_names != m.input_schema) {
    return c.Fail("golden file columns differ from the input schema");
  }
  if (golden->rows.empty()) return c.Fail("golden file has no rows");
  Status reproduced = golden->Check(scorer);
  if (!reproduced.ok()) return c.Wrap(reproduced, "golden outputs do not reproduce");
  return Status::Ok();
}

}  // namespace

Result<VerifiedBundle> VerifyBundle(std::string_view bytes, const std::vector<PublicKey>& trusted,
                                    const UnpackLimits& limits) {
  VerifiedBundle out;
  out.digest = Sha256Hex(bytes);
  const Checker c(out.digest);

  Result<SealedBundle> sealed = SplitSeal(bytes);
  if (!sealed.ok()) return c.Wrap(sealed.status(), "archive is not readable");
  Result<BundleFiles> files = UnpackBundle(sealed->archive, limits);
  if (!files.ok()) return c.Wrap(files.status(), "archive is not readable");
  out.files = std::move(files).value();
  for (std::string_view needed : {kManifestFile, kSignatureFile}) {
    if (!out.files.count(std::string(needed))) return c.Fail(std::string(needed) + " is missing");
  }
  EL_RETURN_IF_ERROR(CheckSignature(c, out.files, trusted, &out.signer_key_id));
  EL_RETURN_IF_ERROR(CheckSeal(c, *sealed, trusted, out.signer_key_id));

  Result<Manifest> manifest = Manifest::Parse(out.files.at(std::string(kManifestFile)));
  if (!manifest.ok()) return c.Wrap(manifest.status(), "manifest is invalid");
  out.manifest = std::move(manifest).value();

  EL_RETURN_IF_ERROR(CheckFiles(c, out.manifest, out.files));
  EL_ASSIGN_OR_RETURN(out.feature_spec, CheckFeatureSpec(c, out.manifest, out.files));
  EL_ASSIGN_OR_RETURN(out.scorer, CheckModel(c, out.manifest, out.files));
  EL_RETURN_IF_ERROR(CheckGolden(c, out.manifest, out.files, *out.scorer));
  return out;
}

}  // namespace edgeloop::bundle
