// ByteRange: what a `Range` request header asks of a resource of a known size (RFC 9110 §14).
//
// Supported: one range, "bytes=N-" (from N to the end: how agents resume a download),
// "bytes=N-M" and "bytes=-S" (the last S bytes). A header that is absent, malformed, names
// another unit or several ranges is ignored (the whole resource is served, as the RFC allows);
// a range that starts at or past the end is unsatisfiable (416). A plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace edgeloop::server {

struct ByteRange {
  enum class Kind { kWhole, kPartial, kUnsatisfiable };
  Kind kind = Kind::kWhole;
  uint64_t first = 0;  // inclusive, for kPartial
  uint64_t last = 0;   // inclusive, for kPartial

  // "bytes 100-199/1000" for kPartial, "bytes */1000" for kUnsatisfiable.
  std::string ContentRange(uint64_t size) const;
};

ByteRange ParseByteRange(std::string_view header, uint64_t size);

}  // namespace edgeloop::server
