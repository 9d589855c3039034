#include "base/ids.h"

#include <sodium.h>

#include <cstdio>

namespace edgeloop {

std::string NewId(std::string_view prefix, Random& random) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "%012llx",
                static_cast<unsigned long long>(random.NextU64() & 0xffffffffffffULL));
  return std::string(prefix) + "-" + hex;
}

uint64_t SeedFromOs() {
  uint64_t seed = 0;
  if (sodium_init() < 0) return 0x5eed;
  randombytes_buf(&seed, sizeof seed);
  return seed;
}

}  // namespace edgeloop
