// SecretSource: where token secrets come from.
//
// Secrets must be unpredictable, so production draws them from the operating system's CSPRNG
// (libsodium's randombytes_buf) — the one place besides signing keys that does not use a seeded
// edgeloop::Random on purpose. Tests and the demo inject SeededSecretSource so their tokens repeat.
// Both are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

#include "base/random.h"

namespace edgeloop::server {

class SecretSource {
 public:
  virtual ~SecretSource() = default;
  // `n` random bytes.
  virtual std::string Bytes(size_t n) = 0;
};

// libsodium's randombytes_buf (getrandom(2) on Linux).
class SodiumSecretSource final : public SecretSource {
 public:
  std::string Bytes(size_t n) override;
};

// Deterministic bytes from a seeded Random: for tests and simulations only, never for a server
// that faces a network.
class SeededSecretSource final : public SecretSource {
 public:
  explicit SeededSecretSource(uint64_t seed) : random_(seed) {}
  std::string Bytes(size_t n) override;

 private:
  std::mutex mu_;
  Random random_;
};

// Lowercase hex of `bytes`.
std::string HexEncode(std::string_view bytes);

}  // namespace edgeloop::server
