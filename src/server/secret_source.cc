#include "server/secret_source.h"

#include <sodium.h>

#include "base/status.h"

namespace edgeloop::server {

std::string SodiumSecretSource::Bytes(size_t n) {
  // sodium_init is idempotent and thread-safe; randombytes_buf works without it on Linux, but
  // calling it picks the best implementation once.
  // It fails only when the OS has no entropy source at all; no server may run then.
  EL_CHECK(sodium_init() >= 0);
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string SeededSecretSource::Bytes(size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(random_.NextU64() & 0xff);
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

}  // namespace edgeloop::server
