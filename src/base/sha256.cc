#include "base/sha256.h"

#include <sodium.h>

namespace edgeloop {
namespace {

std::string ToHex(const unsigned char* bytes, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

}  // namespace

struct Sha256Hasher::State {
  crypto_hash_sha256_state st;
};

std::string Sha256Hex(std::string_view data) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return ToHex(out, sizeof out);
}

Sha256Hasher::Sha256Hasher() : state_(std::make_unique<State>()) {
  crypto_hash_sha256_init(&state_->st);
}

Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(std::string_view data) {
  crypto_hash_sha256_update(&state_->st, reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
}

std::string Sha256Hasher::FinalHex() {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state_->st, out);
  return ToHex(out, sizeof out);
}

std::string ShortDigest(std::string_view hex) { return std::string(hex.substr(0, 12)); }

}  // namespace edgeloop
