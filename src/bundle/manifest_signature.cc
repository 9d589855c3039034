#include "bundle/manifest_signature.h"

#include <vector>

#include "base/strings.h"

namespace edgeloop::bundle {

ManifestSignature ManifestSignature::Sign(const SigningKey& key, std::string_view manifest_bytes) {
  return ManifestSignature{key.key_id(), key.Sign(manifest_bytes)};
}

Result<ManifestSignature> ManifestSignature::Parse(std::string_view text) {
  std::vector<std::string_view> parts = Split(Trim(text), ' ');
  if (parts.size() != 3 || parts[0] != kSignatureTag) {
    return InvalidArgument("manifest.sig: expected '" + std::string(kSignatureTag) +
                           " <key id> <base64 signature>'");
  }
  if (parts[1].size() != 16) return InvalidArgument("manifest.sig: expected a 16-hex key id");
  ManifestSignature sig;
  sig.key_id = std::string(parts[1]);
  EL_ASSIGN_OR_RETURN(sig.signature, Base64Decode(parts[2], "manifest.sig: signature"));
  if (sig.signature.size() != kSignatureBytes) {
    return InvalidArgument("manifest.sig: expected a 64-byte signature, got " +
                           std::to_string(sig.signature.size()) + " bytes");
  }
  return sig;
}

std::string ManifestSignature::ToText() const {
  return std::string(kSignatureTag) + " " + key_id + " " + Base64Encode(signature) + "\n";
}

bool ManifestSignature::VerifiedBy(const PublicKey& key, std::string_view manifest_bytes) const {
  return key.Verify(manifest_bytes, signature);
}

}  // namespace edgeloop::bundle
