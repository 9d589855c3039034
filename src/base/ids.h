// Identifiers for runs, versions and other records: "<prefix>-<12 hex digits>" drawn from a
// seeded Random, so tests get the same ids every time and production seeds from the OS.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/random.h"

namespace edgeloop {

std::string NewId(std::string_view prefix, Random& random);

// A seed from the operating system's entropy, for production composition roots only.
uint64_t SeedFromOs();

}  // namespace edgeloop
