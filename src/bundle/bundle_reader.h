// UnpackBundle: reads every file of a bundle (zstd-compressed tar) into memory, defensively.
//
// The input must be exactly one zstd frame with a content checksum (nothing after it); the tar
// inside may hold only regular files with safe relative paths (no absolute paths, no "..", no
// links or devices), each name once, and at most `max_total_bytes` of content and of
// decompressed tar. Nothing touches the disk.
//
// Stateless and thread-safe. Errors: DataLoss for a corrupt or malformed archive (naming the
// entry), ResourceExhausted when a limit is exceeded.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "bundle/bundle_writer.h"

namespace edgeloop::bundle {

struct UnpackLimits {
  uint64_t max_total_bytes = uint64_t{256} << 20;  // 256 MiB
  size_t max_entries = 64;
};

Result<BundleFiles> UnpackBundle(std::string_view bytes, const UnpackLimits& limits = {});

}  // namespace edgeloop::bundle
