// PackBundle: writes a bundle's files as a tar archive compressed with zstd, the bundle file.
//
// The archive is POSIX pax (restricted) written by libarchive and compressed by libzstd into a
// single frame with a content checksum, so `tar --zstd -xf` opens it and any changed byte of
// the compressed stream fails decompression. It is deterministic: entries in sorted path
// order, regular files of mode 0644 owned by uid/gid 0 with no user or group names, one fixed
// mtime, a fixed compression level and a single compression thread, so the same files give
// the same bundle bytes.
//
// Stateless and thread-safe. Errors: InvalidArgument for an unsafe path (see IsSafeBundlePath),
// Internal when libarchive or libzstd fails.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/status.h"

namespace edgeloop::bundle {

// The files of a bundle by path; std::map keeps them in the archive's sorted order.
using BundleFiles = std::map<std::string, std::string>;

inline constexpr int kBundleZstdLevel = 19;

// `mtime_seconds` is the modification time of every entry (seconds since the epoch, >= 0).
Result<std::string> PackBundle(const BundleFiles& files, int64_t mtime_seconds);

}  // namespace edgeloop::bundle
