#include "bundle/bundle_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <zstd.h>

#include <cstring>
#include <memory>

#include "bundle/manifest.h"

namespace edgeloop::bundle {
namespace {

struct ReadArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

// One zstd frame, checksummed, decompressed into memory up to `limit` bytes.
Result<std::string> Decompress(std::string_view bytes, uint64_t limit) {
  // RFC 8878: a frame starts with the magic 0xFD2FB528 (little-endian) and the frame header
  // descriptor, whose bit 2 is the content checksum flag.
  static constexpr unsigned char kMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};
  if (bytes.size() < 5 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    return DataLoss("bundle archive: not a zstd stream");
  }
  if ((static_cast<unsigned char>(bytes[4]) & 0x04) == 0) {
    return DataLoss("bundle archive: zstd frame has no content checksum");
  }
  unsigned long long content_size = ZSTD_getFrameContentSize(bytes.data(), bytes.size());
  if (content_size == ZSTD_CONTENTSIZE_ERROR) return DataLoss("bundle archive: bad zstd header");
  if (content_size != ZSTD_CONTENTSIZE_UNKNOWN && content_size > limit) {
    return ResourceExhausted("bundle archive: " + std::to_string(content_size) +
                             " bytes uncompressed, over the limit of " + std::to_string(limit));
  }
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!dctx) return Internal("bundle archive: ZSTD_createDCtx failed");
  std::string out;
  std::string chunk(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  while (true) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    size_t ret = ZSTD_decompressStream(dctx.get(), &o, &in);
    if (ZSTD_isError(ret)) {
      return DataLoss(std::string("bundle archive: corrupt zstd stream: ") +
                      ZSTD_getErrorName(ret));
    }
    out.append(chunk.data(), o.pos);
    if (out.size() > limit) {
      return ResourceExhausted("bundle archive: more than " + std::to_string(limit) +
                               " bytes uncompressed");
    }
    if (ret == 0) break;  // the frame is complete and its checksum verified
    // Out of input while the decoder still had room to write: the frame is cut short.
    if (in.pos == in.size && o.pos < o.size)
      return DataLoss("bundle archive: truncated zstd stream");
  }
  if (in.pos != in.size) {
    return DataLoss("bundle archive: " + std::to_string(in.size - in.pos) +
                    " unexpected bytes after the zstd frame");
  }
  return out;
}

Status EntryError(archive* a, const std::string& what) {
  const char* message = archive_error_string(a);
  return DataLoss("bundle archive: " + what + (message ? std::string(": ") + message : ""));
}

}  // namespace

Result<BundleFiles> UnpackBundle(std::string_view bytes, const UnpackLimits& limits) {
  // The tar has headers and padding beyond the content; allow them on top of the content limit.
  const uint64_t tar_limit = limits.max_total_bytes + (uint64_t{1} << 20);
  EL_ASSIGN_OR_RETURN(std::string tar, Decompress(bytes, tar_limit));

  std::unique_ptr<archive, ReadArchiveDeleter> a(archive_read_new());
  if (!a) return Internal("bundle archive: archive_read_new failed");
  archive_read_support_format_tar(a.get());
  archive_read_support_filter_none(a.get());
  if (archive_read_open_memory(a.get(), tar.data(), tar.size()) != ARCHIVE_OK) {
    return EntryError(a.get(), "not a tar archive");
  }
  BundleFiles files;
  uint64_t total = 0;
  while (true) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) return EntryError(a.get(), "corrupt tar header");
    const char* raw_path = archive_entry_pathname(entry);
    std::string path = raw_path ? raw_path : "";
    if (!IsSafeBundlePath(path)) {
      return DataLoss("bundle archive: unsafe entry path '" + path +
                      "' (expected a relative path without '..')");
    }
    if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry) != nullptr ||
        archive_entry_symlink(entry) != nullptr) {
      return DataLoss("bundle archive: entry '" + path + "' is not a regular file");
    }
    if (files.count(path)) return DataLoss("bundle archive: duplicate entry '" + path + "'");
    if (files.size() >= limits.max_entries) {
      return ResourceExhausted("bundle archive: more than " + std::to_string(limits.max_entries) +
                               " entries");
    }
    if (!archive_entry_size_is_set(entry) || archive_entry_size(entry) < 0) {
      return DataLoss("bundle archive: entry '" + path + "' has no size");
    }
    const uint64_t size = static_cast<uint64_t>(archive_entry_size(entry));
    if (size > limits.max_total_bytes - total) {
      return ResourceExhausted("bundle archive: entry '" + path + "' takes the content over " +
                               std::to_string(limits.max_total_bytes) + " bytes");
    }
    std::string content(size, '\0');
    la_ssize_t n = size == 0 ? 0 : archive_read_data(a.get(), content.data(), size);
    if (n < 0 || static_cast<uint64_t>(n) != size) {
      return EntryError(a.get(), "cannot read entry '" + path + "'");
    }
    total += size;
    files.emplace(std::move(path), std::move(content));
  }
  return files;
}

}  // namespace edgeloop::bundle
