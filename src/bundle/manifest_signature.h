// ManifestSignature: the content of manifest.sig, a detached ed25519 signature of the exact
// bytes of manifest.json and the id of the key that made it.
//
// Text form, one line: `edgeloop-ed25519-signature <key id> <base64 signature>`. The key id is
// a hint for messages and key lookup only; verification tries the trusted keys themselves.
// A plain value. Parse returns InvalidArgument "manifest.sig: <what was expected>".
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "bundle/signing_key.h"

namespace edgeloop::bundle {

inline constexpr std::string_view kSignatureTag = "edgeloop-ed25519-signature";

struct ManifestSignature {
  std::string key_id;
  std::string signature;  // 64 raw bytes

  static ManifestSignature Sign(const SigningKey& key, std::string_view manifest_bytes);
  static Result<ManifestSignature> Parse(std::string_view text);
  std::string ToText() const;
  // True when `key` made this signature over `manifest_bytes`.
  bool VerifiedBy(const PublicKey& key, std::string_view manifest_bytes) const;
};

}  // namespace edgeloop::bundle
