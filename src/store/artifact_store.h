// ArtifactStore: immutable files addressed by the SHA-256 of their bytes.
//
// An artifact with digest d lives at <root>/sha256/<d[0..2)>/<d>, so the same bytes are stored
// once, a name never changes meaning, and a reader can always check what it got. Models,
// datasets, reports and bundles are all artifacts; records in the registry hold only digests.
// Writes are atomic (a reader sees a whole file or none); temporary files are written under
// <root>/tmp and renamed into place.
//
// Ownership: refers to a FileSystem that must outlive it. Thread-safety: safe to share between
// threads and processes; two writers of the same bytes both succeed and leave one file.
//
// Errors: InvalidArgument for a malformed digest; NotFound when an artifact is missing;
// DataLoss when a stored file no longer matches its digest; FileSystem errors otherwise.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/file_system.h"
#include "base/status.h"

namespace edgeloop::store {

class ArtifactStore {
 public:
  // `root` is the artifacts folder, e.g. "<home>/artifacts"; it is created on first write.
  ArtifactStore(std::string root, FileSystem& fs) : root_(std::move(root)), fs_(fs) {}

  // Stores `bytes` and returns their hex digest; a no-op when the artifact is already there.
  Result<std::string> Put(std::string_view bytes);
  // Stores the file at `path` (read through the OS in chunks, so large files never sit in
  // memory) and returns its hex digest. The source file is not changed.
  Result<std::string> PutFile(const std::string& path);
  // The bytes of an artifact, verified against `digest`.
  Result<std::string> Get(std::string_view digest);
  bool Has(std::string_view digest);
  // Where the artifact with `digest` is (or would be) stored.
  std::string PathOf(std::string_view digest) const;

  const std::string& root() const { return root_; }

 private:
  Status EnsureDirs(std::string_view digest);
  std::string NewTempPath();

  std::string root_;
  FileSystem& fs_;
  std::atomic<uint64_t> temp_counter_{0};
};

// True when `digest` is 64 lowercase hex digits.
bool IsSha256Hex(std::string_view digest);

}  // namespace edgeloop::store
