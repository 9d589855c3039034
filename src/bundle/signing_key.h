// SigningKey and PublicKey: the ed25519 keys (libsodium) that sign and verify bundle manifests.
//
// A key is identified by its key id, the first 16 hex digits of the SHA-256 of the 32-byte
// public key. Key text, as stored in key files, is one line: `edgeloop-ed25519-secret <base64>`
// (the 64-byte libsodium secret key, which embeds the public key) or
// `edgeloop-ed25519-public <base64>` (32 bytes).
//
// Plain values: copyable and immutable after construction, so every const method is
// thread-safe. Parse functions return InvalidArgument naming what was expected.
#pragma once

#include <string>
#include <string_view>

#include "base/random.h"
#include "base/status.h"

namespace edgeloop::bundle {

inline constexpr std::string_view kSecretKeyTag = "edgeloop-ed25519-secret";
inline constexpr std::string_view kPublicKeyTag = "edgeloop-ed25519-public";
inline constexpr size_t kPublicKeyBytes = 32;
inline constexpr size_t kSecretKeyBytes = 64;
inline constexpr size_t kSeedBytes = 32;
inline constexpr size_t kSignatureBytes = 64;

class PublicKey {
 public:
  // InvalidArgument unless `bytes` is exactly 32 bytes.
  static Result<PublicKey> FromBytes(std::string_view bytes);
  // Reads `edgeloop-ed25519-public <base64>` (surrounding whitespace ignored).
  static Result<PublicKey> Parse(std::string_view text);

  const std::string& bytes() const { return bytes_; }
  const std::string& key_id() const { return key_id_; }
  // `edgeloop-ed25519-public <base64>\n`.
  std::string ToText() const;
  // True when `signature` (64 raw bytes) is this key's detached signature of `message`.
  bool Verify(std::string_view message, std::string_view signature) const;

 private:
  friend class SigningKey;
  explicit PublicKey(std::string bytes);
  std::string bytes_;
  std::string key_id_;
};

class SigningKey {
 public:
  // A new key pair from the operating system's CSPRNG (crypto_sign_keypair), for production.
  // Key material is the one place that does not draw from a seeded Random on purpose.
  static SigningKey Generate();
  // The key pair derived from a 32-byte seed (crypto_sign_seed_keypair); InvalidArgument for
  // any other length.
  static Result<SigningKey> FromSeed(std::string_view seed);
  // Deterministic key pair whose seed is drawn from `random`; for tests and simulations only.
  static SigningKey FromRandom(Random& random);
  // Reads `edgeloop-ed25519-secret <base64>`; checks the embedded public key matches the secret.
  static Result<SigningKey> Parse(std::string_view text);

  const PublicKey& public_key() const { return public_key_; }
  const std::string& key_id() const { return public_key_.key_id(); }
  // `edgeloop-ed25519-secret <base64>\n`.
  std::string ToText() const;
  // The 64-byte detached signature of `message`.
  std::string Sign(std::string_view message) const;

 private:
  SigningKey(std::string secret, PublicKey public_key);
  std::string secret_;
  PublicKey public_key_;
};

// Standard base64 (with padding), as libsodium's original variant.
std::string Base64Encode(std::string_view bytes);
// InvalidArgument when `text` is not valid base64; `what` names the field in the message.
Result<std::string> Base64Decode(std::string_view text, std::string_view what);

}  // namespace edgeloop::bundle
