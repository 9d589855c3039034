#include "server/byte_range.h"

#include "base/strings.h"

namespace edgeloop::server {
namespace {

// A non-negative decimal number; false for anything else (signs, spaces, overflow).
bool ParseOffset(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 19) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = value;
  return true;
}

}  // namespace

std::string ByteRange::ContentRange(uint64_t size) const {
  if (kind == Kind::kPartial) {
    return "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
           std::to_string(size);
  }
  return "bytes */" + std::to_string(size);
}

ByteRange ParseByteRange(std::string_view header, uint64_t size) {
  ByteRange whole;
  std::string_view value = Trim(header);
  if (!value.starts_with("bytes=")) return whole;
  value.remove_prefix(6);
  if (value.find(',') != std::string_view::npos) return whole;
  const size_t dash = value.find('-');
  if (dash == std::string_view::npos) return whole;
  const std::string_view from = Trim(value.substr(0, dash));
  const std::string_view to = Trim(value.substr(dash + 1));

  ByteRange range;
  range.kind = ByteRange::Kind::kPartial;
  if (from.empty()) {  // "-S": the last S bytes
    uint64_t suffix = 0;
    if (!ParseOffset(to, &suffix)) return whole;
    if (suffix == 0 || size == 0) return ByteRange{ByteRange::Kind::kUnsatisfiable, 0, 0};
    range.first = suffix >= size ? 0 : size - suffix;
    range.last = size - 1;
    return range;
  }
  if (!ParseOffset(from, &range.first)) return whole;
  if (to.empty()) {
    range.last = size == 0 ? 0 : size - 1;
  } else if (!ParseOffset(to, &range.last) || range.last < range.first) {
    return whole;
  }
  if (range.first >= size) return ByteRange{ByteRange::Kind::kUnsatisfiable, 0, 0};
  if (range.last >= size) range.last = size - 1;
  return range;
}

}  // namespace edgeloop::server
