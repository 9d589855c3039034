#include "store/artifact_store.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "base/sha256.h"

namespace edgeloop::store {
namespace {

// PutFile copies in chunks of this size; each chunk is one append to the temporary file.
constexpr size_t kCopyChunkBytes = 4 << 20;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

Status CheckDigest(std::string_view digest) {
  if (IsSha256Hex(digest)) return Status::Ok();
  return InvalidArgument("artifact digest '" + std::string(digest) +
                         "' is not 64 lowercase hex digits (a sha256)");
}

}  // namespace

bool IsSha256Hex(std::string_view digest) {
  if (digest.size() != 64) return false;
  for (char c : digest) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string ArtifactStore::PathOf(std::string_view digest) const {
  const std::string_view prefix = digest.substr(0, 2);
  return JoinPath(JoinPath(JoinPath(root_, "sha256"), prefix), digest);
}

Status ArtifactStore::EnsureDirs(std::string_view digest) {
  return fs_.CreateDirs(DirName(PathOf(digest)));
}

std::string ArtifactStore::NewTempPath() {
  return JoinPath(JoinPath(root_, "tmp"), "put-" + std::to_string(::getpid()) + "-" +
                                              std::to_string(temp_counter_.fetch_add(1)));
}

Result<std::string> ArtifactStore::Put(std::string_view bytes) {
  std::string digest = Sha256Hex(bytes);
  if (Has(digest)) return digest;
  EL_RETURN_IF_ERROR(EnsureDirs(digest));
  EL_RETURN_IF_ERROR(fs_.WriteFileAtomic(PathOf(digest), bytes));
  return digest;
}

Result<std::string> ArtifactStore::PutFile(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> source(std::fopen(path.c_str(), "rb"));
  if (source == nullptr) {
    const int err = errno;
    std::string message = path + ": open for the artifact store: " + std::strerror(err);
    return err == ENOENT ? NotFound(std::move(message)) : IoError(std::move(message));
  }
  EL_RETURN_IF_ERROR(fs_.CreateDirs(JoinPath(root_, "tmp")));
  const std::string temp = NewTempPath();
  // A temporary file left by a crashed process with the same pid must not be appended to.
  if (fs_.Exists(temp)) EL_RETURN_IF_ERROR(fs_.Remove(temp));

  Sha256Hasher hasher;
  std::vector<char> chunk(kCopyChunkBytes);
  Status status;
  bool wrote_any = false;
  while (status.ok()) {
    const size_t n = std::fread(chunk.data(), 1, chunk.size(), source.get());
    if (n > 0) {
      const std::string_view piece(chunk.data(), n);
      hasher.Update(piece);
      status = fs_.AppendFile(temp, piece);
      wrote_any = true;
    }
    if (n < chunk.size()) {
      if (std::ferror(source.get())) status = IoError(path + ": read failed while storing it");
      break;
    }
  }
  // An empty source still needs a (zero-length) file to rename into place.
  if (status.ok() && !wrote_any) status = fs_.AppendFile(temp, std::string_view());
  if (!status.ok()) {
    (void)fs_.Remove(temp);
    return status;
  }

  std::string digest = hasher.FinalHex();
  if (Has(digest)) {
    (void)fs_.Remove(temp);
    return digest;
  }
  status = EnsureDirs(digest);
  if (status.ok()) status = fs_.Rename(temp, PathOf(digest));
  if (!status.ok()) {
    (void)fs_.Remove(temp);
    return status;
  }
  return digest;
}

Result<std::string> ArtifactStore::Get(std::string_view digest) {
  EL_RETURN_IF_ERROR(CheckDigest(digest));
  const std::string path = PathOf(digest);
  if (!fs_.Exists(path)) {
    return NotFound("artifact " + std::string(digest) + " is not in the artifact store " + root_);
  }
  EL_ASSIGN_OR_RETURN(std::string bytes, fs_.ReadFile(path));
  const std::string actual = Sha256Hex(bytes);
  if (actual != digest) {
    return DataLoss("artifact " + std::string(digest) + ": stored file " + path + " has sha256 " +
                    actual + "; it was changed or corrupted after it was stored");
  }
  return bytes;
}

bool ArtifactStore::Has(std::string_view digest) {
  return IsSha256Hex(digest) && fs_.Exists(PathOf(digest));
}

}  // namespace edgeloop::store
