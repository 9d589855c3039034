// The bundle seal: an ed25519 signature over the exact compressed bytes of a bundle, carried in
// a zstd skippable frame appended to the archive's zstd frame.
//
// manifest.sig authenticates the content (the manifest and, through its hashes, every file).
// The compressed stream has bits that do not change what it decodes to, so content checks alone
// cannot notice every changed byte of the file; the seal closes that gap, making the bundle's
// digest (sha256 of the file) as authentic as its content. Decoders skip skippable frames, so
// `tar --zstd -xf` still opens a sealed bundle.
//
// Layout, always the last 92 bytes of the file: magic 0x184D2A5E and frame size 84 (both
// 32-bit little-endian), "ELS1", the signer's 16-hex key id, the 64-byte signature of
// "edgeloop-bundle-seal-v1\n" + sha256 hex of every byte before the seal.
//
// Stateless and thread-safe. SplitSeal returns DataLoss when the seal is missing or malformed.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "bundle/signing_key.h"

namespace edgeloop::bundle {

inline constexpr size_t kSealBytes = 92;

// `archive` followed by its seal made with `key`.
std::string SealBundle(std::string_view archive, const SigningKey& key);

struct SealedBundle {
  std::string_view archive;  // the bytes before the seal (a view into the input)
  std::string key_id;
  std::string signature;

  // True when `key` is the seal's key id and made its signature over `archive`.
  bool VerifiedBy(const PublicKey& key) const;
};

Result<SealedBundle> SplitSeal(std::string_view bytes);

}  // namespace edgeloop::bundle
