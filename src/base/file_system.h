// FileSystem: the seam between edgeloop and the disk.
//
// Every file edgeloop writes that must survive a crash goes through WriteFileAtomic: the bytes
// go to a temporary file beside the target, are fsynced, renamed over the target, and the
// directory is fsynced, so a reader sees the old file or the new one, never a mix.
// PosixFileSystem is the real one; FaultInjectingFileSystem wraps another and fails the Nth
// write or "crashes" a write half-way, for tests. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace edgeloop {

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Replaces `path` atomically and durably (see above).
  virtual Status WriteFileAtomic(const std::string& path, std::string_view data) = 0;
  // Appends and fsyncs; creates the file when missing.
  virtual Status AppendFile(const std::string& path, std::string_view data) = 0;
  virtual Status CreateDirs(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  virtual bool IsDirectory(const std::string& path) = 0;
  // Names (not paths) of the entries in a directory, sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status Remove(const std::string& path) = 0;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::string> ReadFile(const std::string& path) override;
  Status WriteFileAtomic(const std::string& path, std::string_view data) override;
  Status AppendFile(const std::string& path, std::string_view data) override;
  Status CreateDirs(const std::string& path) override;
  bool Exists(const std::string& path) override;
  bool IsDirectory(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
};

// Wraps a FileSystem and injects faults into its writes (WriteFileAtomic and AppendFile).
class FaultInjectingFileSystem final : public FileSystem {
 public:
  enum class Fault {
    kFailWrite,    // the write returns an I/O error and changes nothing
    kCrashMidWrite // a temporary file with half the bytes is left behind, the target is untouched,
                   // and the call returns an I/O error, as if power were cut before the rename
  };

  explicit FaultInjectingFileSystem(FileSystem* inner) : inner_(inner) {}

  // The `n`th write from now on (1 = the next one) suffers `fault`; 0 disarms.
  void FailNthWrite(int n, Fault fault = Fault::kFailWrite);
  int writes_seen() const { return writes_seen_; }

  Result<std::string> ReadFile(const std::string& path) override { return inner_->ReadFile(path); }
  Status WriteFileAtomic(const std::string& path, std::string_view data) override;
  Status AppendFile(const std::string& path, std::string_view data) override;
  Status CreateDirs(const std::string& path) override { return inner_->CreateDirs(path); }
  bool Exists(const std::string& path) override { return inner_->Exists(path); }
  bool IsDirectory(const std::string& path) override { return inner_->IsDirectory(path); }
  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    return inner_->ListDir(path);
  }
  Result<uint64_t> FileSize(const std::string& path) override { return inner_->FileSize(path); }
  Status Rename(const std::string& from, const std::string& to) override {
    return inner_->Rename(from, to);
  }
  Status Remove(const std::string& path) override { return inner_->Remove(path); }

 private:
  // Returns the fault for this write, if it is the armed one.
  bool NextWriteFaults(Fault* fault);

  FileSystem* inner_;
  int writes_seen_ = 0;
  int fail_at_ = 0;
  Fault fault_ = Fault::kFailWrite;
};

// "dir/name" without doubling the slash.
std::string JoinPath(std::string_view dir, std::string_view name);
// Everything before the last '/', or "." when there is none.
std::string DirName(std::string_view path);

}  // namespace edgeloop
