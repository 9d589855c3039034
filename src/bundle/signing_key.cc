#include "bundle/signing_key.h"

#include <sodium.h>

#include <utility>

#include "base/sha256.h"
#include "base/strings.h"

namespace edgeloop::bundle {
namespace {

// sodium_init is idempotent and thread-safe; a function-local static runs it once per process.
void EnsureSodium() {
  static const int kInit = sodium_init();
  EL_CHECK(kInit >= 0);
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Splits "<tag> <base64>" and decodes the payload.
Result<std::string> DecodeTagged(std::string_view text, std::string_view tag, size_t expected) {
  std::string_view line = Trim(text);
  if (!StartsWith(line, tag) || line.size() <= tag.size() || line[tag.size()] != ' ') {
    return InvalidArgument("key text: expected '" + std::string(tag) + " <base64>'");
  }
  EL_ASSIGN_OR_RETURN(std::string bytes,
                      Base64Decode(Trim(line.substr(tag.size() + 1)), std::string(tag)));
  if (bytes.size() != expected) {
    return InvalidArgument(std::string(tag) + ": expected " + std::to_string(expected) +
                           " bytes, got " + std::to_string(bytes.size()));
  }
  return bytes;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  EnsureSodium();
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), Bytes(bytes), bytes.size(), variant);
  out.resize(out.size() - 1);  // the encoder writes a terminating NUL
  return out;
}

Result<std::string> Base64Decode(std::string_view text, std::string_view what) {
  EnsureSodium();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return InvalidArgument(std::string(what) + ": not valid base64");
  }
  out.resize(len);
  return out;
}

PublicKey::PublicKey(std::string bytes) : bytes_(std::move(bytes)) {
  key_id_ = Sha256Hex(bytes_).substr(0, 16);
}

Result<PublicKey> PublicKey::FromBytes(std::string_view bytes) {
  if (bytes.size() != kPublicKeyBytes) {
    return InvalidArgument("public key: expected 32 bytes, got " + std::to_string(bytes.size()));
  }
  return PublicKey(std::string(bytes));
}

Result<PublicKey> PublicKey::Parse(std::string_view text) {
  EL_ASSIGN_OR_RETURN(std::string bytes, DecodeTagged(text, kPublicKeyTag, kPublicKeyBytes));
  return PublicKey(std::move(bytes));
}

std::string PublicKey::ToText() const {
  return std::string(kPublicKeyTag) + " " + Base64Encode(bytes_) + "\n";
}

bool PublicKey::Verify(std::string_view message, std::string_view signature) const {
  EnsureSodium();
  if (signature.size() != kSignatureBytes) return false;
  return crypto_sign_verify_detached(Bytes(signature), Bytes(message), message.size(),
                                     Bytes(bytes_)) == 0;
}

SigningKey::SigningKey(std::string secret, PublicKey public_key)
    : secret_(std::move(secret)), public_key_(std::move(public_key)) {}

SigningKey SigningKey::Generate() {
  EnsureSodium();
  std::string pk(kPublicKeyBytes, '\0');
  std::string sk(kSecretKeyBytes, '\0');
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(pk.data()),
                      reinterpret_cast<unsigned char*>(sk.data()));
  return SigningKey(std::move(sk), PublicKey(std::move(pk)));
}

Result<SigningKey> SigningKey::FromSeed(std::string_view seed) {
  EnsureSodium();
  if (seed.size() != kSeedBytes) {
    return InvalidArgument("key seed: expected 32 bytes, got " + std::to_string(seed.size()));
  }
  std::string pk(kPublicKeyBytes, '\0');
  std::string sk(kSecretKeyBytes, '\0');
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(pk.data()),
                           reinterpret_cast<unsigned char*>(sk.data()), Bytes(seed));
  return SigningKey(std::move(sk), PublicKey(std::move(pk)));
}

SigningKey SigningKey::FromRandom(Random& random) {
  std::string seed(kSeedBytes, '\0');
  for (size_t i = 0; i < kSeedBytes; i += 8) {
    uint64_t word = random.NextU64();
    for (size_t b = 0; b < 8; ++b) seed[i + b] = static_cast<char>((word >> (8 * b)) & 0xff);
  }
  return std::move(FromSeed(seed)).value();
}

Result<SigningKey> SigningKey::Parse(std::string_view text) {
  EnsureSodium();
  EL_ASSIGN_OR_RETURN(std::string sk, DecodeTagged(text, kSecretKeyTag, kSecretKeyBytes));
  // libsodium's secret key is seed || public key; re-deriving from the seed catches a
  // corrupted or spliced key file.
  std::string pk(kPublicKeyBytes, '\0');
  std::string derived(kSecretKeyBytes, '\0');
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(pk.data()),
                           reinterpret_cast<unsigned char*>(derived.data()), Bytes(sk));
  if (sodium_memcmp(derived.data(), sk.data(), kSecretKeyBytes) != 0) {
    return InvalidArgument(std::string(kSecretKeyTag) +
                           ": the embedded public key does not match the secret key");
  }
  return SigningKey(std::move(sk), PublicKey(std::move(pk)));
}

std::string SigningKey::ToText() const {
  return std::string(kSecretKeyTag) + " " + Base64Encode(secret_) + "\n";
}

std::string SigningKey::Sign(std::string_view message) const {
  EnsureSodium();
  std::string sig(kSignatureBytes, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr, Bytes(message),
                       message.size(), Bytes(secret_));
  return sig;
}

}  // namespace edgeloop::bundle
