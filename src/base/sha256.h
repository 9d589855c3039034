// SHA-256 digests (libsodium), as lowercase hex. Content addresses, dataset and model digests
// and bundle hashes all use these.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace edgeloop {

std::string Sha256Hex(std::string_view data);

// Incremental hashing for data that arrives in pieces (a CSV read in chunks, a dataset's rows).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view data);
  // Hashes the bytes of a trivially copyable value (little-endian on every target we build for).
  template <typename T>
  void UpdatePod(const T& value) {
    Update(std::string_view(reinterpret_cast<const char*>(&value), sizeof(T)));
  }
  // Finishes and returns the hex digest; the hasher must not be updated afterwards.
  std::string FinalHex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// "3f2a9c0d1e2b" — the first 12 hex digits, for people.
std::string ShortDigest(std::string_view hex);

}  // namespace edgeloop
