// VerifyBundle: decides whether a bundle file may run, and hands back what a device needs.
//
// Checks, in this order, and stops at the first that fails: the file ends with a seal and the
// archive before it is readable (bundle_seal.h, bundle_reader.h); manifest.json and
// manifest.sig are present; the signature verifies with the trusted key it names; the seal
// verifies with the same key (so no byte of the file changed); manifest.json parses and
// validates; every file the manifest lists is present with its sha256 and size and no other
// file is; the feature spec file matches the manifest's text and digest and parses to the same
// digest; the model loads as its manifest kind (models::LoadScorer) with a width is the input schema's and whose
// sha256 is the lineage's model digest; the golden rows reproduce within 1e-6. Every message
// starts "bundle <short digest>: " (the sha256 of the whole bundle file) and names the check.
//
// Stateless and thread-safe. Errors: PermissionDenied when no trusted key verifies the
// signature or the seal; DataLoss for every other failed check; ResourceExhausted for archive
// limits.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "bundle/bundle_reader.h"
#include "bundle/manifest.h"
#include "bundle/signing_key.h"
#include "features/feature_spec.h"
#include "models/scorer.h"

namespace edgeloop::bundle {

struct VerifiedBundle {
  std::string digest;         // sha256 of the bundle file, lowercase hex
  std::string signer_key_id;  // the trusted key that verified the signature
  Manifest manifest;
  BundleFiles files;  // every entry, manifest.json and manifest.sig included
  features::FeatureSpec feature_spec;
  std::shared_ptr<const models::Scorer> scorer;  // built by models::LoadScorer
};

Result<VerifiedBundle> VerifyBundle(std::string_view bytes, const std::vector<PublicKey>& trusted,
                                    const UnpackLimits& limits = {});

}  // namespace edgeloop::bundle
