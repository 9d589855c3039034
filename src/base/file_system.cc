#include "base/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace edgeloop {
namespace {

Status ErrnoStatus(const std::string& what, const std::string& path) {
  const int err = errno;
  if (err == ENOENT) return NotFound(path + ": " + what + ": no such file or directory");
  if (err == ENOSPC) return ResourceExhausted(path + ": " + what + ": no space left on device");
  return IoError(path + ": " + what + ": " + std::strerror(err));
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoStatus("fsync directory", dir);
  return Status::Ok();
}

}  // namespace

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

Result<std::string> PosixFileSystem::ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open", path);
  std::string out;
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = ErrnoStatus("read", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status PosixFileSystem::WriteFileAtomic(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("create", tmp);
  Status s = WriteAll(fd, data, tmp);
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus("fsync", tmp);
  ::close(fd);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = ErrnoStatus("rename", path);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  return FsyncDir(DirName(path));
}

Status PosixFileSystem::AppendFile(const std::string& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("open for append", path);
  Status s = WriteAll(fd, data, path);
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus("fsync", path);
  ::close(fd);
  return s;
}

Status PosixFileSystem::CreateDirs(const std::string& path) {
  if (path.empty()) return Status::Ok();
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus("create directory", partial);
    }
  }
  if (!IsDirectory(path)) return IoError(path + ": exists and is not a directory");
  return Status::Ok();
}

bool PosixFileSystem::Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool PosixFileSystem::IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Result<std::vector<std::string>> PosixFileSystem::ListDir(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return ErrnoStatus("list directory", path);
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Result<uint64_t> PosixFileSystem::FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path);
  return static_cast<uint64_t>(st.st_size);
}

Status PosixFileSystem::Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus("rename to " + to, from);
  return FsyncDir(DirName(to));
}

Status PosixFileSystem::Remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == EISDIR || errno == EPERM) {
      if (::rmdir(path.c_str()) == 0) return Status::Ok();
    }
    return ErrnoStatus("remove", path);
  }
  return Status::Ok();
}

void FaultInjectingFileSystem::FailNthWrite(int n, Fault fault) {
  fail_at_ = n > 0 ? writes_seen_ + n : 0;
  fault_ = fault;
}

bool FaultInjectingFileSystem::NextWriteFaults(Fault* fault) {
  ++writes_seen_;
  if (fail_at_ != 0 && writes_seen_ == fail_at_) {
    fail_at_ = 0;
    *fault = fault_;
    return true;
  }
  return false;
}

Status FaultInjectingFileSystem::WriteFileAtomic(const std::string& path, std::string_view data) {
  Fault fault;
  if (!NextWriteFaults(&fault)) return inner_->WriteFileAtomic(path, data);
  if (fault == Fault::kCrashMidWrite) {
    // Leave a torn temporary file, as a power cut before the rename would.
    (void)inner_->AppendFile(path + ".tmp.crashed", data.substr(0, data.size() / 2));
  }
  return IoError(path + ": injected write failure");
}

Status FaultInjectingFileSystem::AppendFile(const std::string& path, std::string_view data) {
  Fault fault;
  if (!NextWriteFaults(&fault)) return inner_->AppendFile(path, data);
  if (fault == Fault::kCrashMidWrite) {
    (void)inner_->AppendFile(path, data.substr(0, data.size() / 2));
  }
  return IoError(path + ": injected write failure");
}

}  // namespace edgeloop
