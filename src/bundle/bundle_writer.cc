#include "bundle/bundle_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <zstd.h>

#include <memory>

#include "bundle/manifest.h"

namespace edgeloop::bundle {
namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

la_ssize_t AppendToString(archive*, void* client_data, const void* buffer, size_t length) {
  static_cast<std::string*>(client_data)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

Status ArchiveError(archive* a, const std::string& what) {
  const char* message = archive_error_string(a);
  return Internal("bundle archive: " + what + ": " + (message ? message : "unknown error"));
}

Result<std::string> WriteTar(const BundleFiles& files, int64_t mtime_seconds) {
  std::string tar;
  std::unique_ptr<archive, ArchiveDeleter> a(archive_write_new());
  if (!a) return Internal("bundle archive: archive_write_new failed");
  if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
      archive_write_add_filter_none(a.get()) != ARCHIVE_OK) {
    return ArchiveError(a.get(), "cannot set the tar format");
  }
  if (archive_write_open(a.get(), &tar, nullptr, AppendToString, nullptr) != ARCHIVE_OK) {
    return ArchiveError(a.get(), "cannot open");
  }
  for (const auto& [path, bytes] : files) {
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), path.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_mtime(entry.get(), static_cast<time_t>(mtime_seconds), 0);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) {
      return ArchiveError(a.get(), "cannot write the header of " + path);
    }
    if (!bytes.empty() && archive_write_data(a.get(), bytes.data(), bytes.size()) !=
                              static_cast<la_ssize_t>(bytes.size())) {
      return ArchiveError(a.get(), "cannot write " + path);
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return ArchiveError(a.get(), "cannot close");
  return tar;
}

Result<std::string> Compress(const std::string& tar) {
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!cctx) return Internal("bundle archive: ZSTD_createCCtx failed");
  for (auto [param, value] :
       {std::pair{ZSTD_c_compressionLevel, kBundleZstdLevel}, std::pair{ZSTD_c_checksumFlag, 1},
        std::pair{ZSTD_c_contentSizeFlag, 1}, std::pair{ZSTD_c_nbWorkers, 0}}) {
    size_t rc = ZSTD_CCtx_setParameter(cctx.get(), param, value);
    if (ZSTD_isError(rc)) {
      return Internal(std::string("bundle archive: zstd parameter: ") + ZSTD_getErrorName(rc));
    }
  }
  std::string out(ZSTD_compressBound(tar.size()), '\0');
  size_t n = ZSTD_compress2(cctx.get(), out.data(), out.size(), tar.data(), tar.size());
  if (ZSTD_isError(n)) {
    return Internal(std::string("bundle archive: zstd compression: ") + ZSTD_getErrorName(n));
  }
  out.resize(n);
  return out;
}

}  // namespace

Result<std::string> PackBundle(const BundleFiles& files, int64_t mtime_seconds) {
  if (mtime_seconds < 0) return InvalidArgument("bundle archive: mtime must not be negative");
  for (const auto& [path, bytes] : files) {
    if (!IsSafeBundlePath(path)) {
      return InvalidArgument("bundle archive: unsafe entry path '" + path + "'");
    }
  }
  EL_ASSIGN_OR_RETURN(std::string tar, WriteTar(files, mtime_seconds));
  return Compress(tar);
}

}  // namespace edgeloop::bundle
