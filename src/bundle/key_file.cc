#include "bundle/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace edgeloop::bundle {
namespace {

Status OsError(const std::string& path, const char* what) {
  return IoError(path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

Status SaveSigningKey(const SigningKey& key, const std::string& path) {
  // open() with O_EXCL and mode 0600 so the secret is never readable by others, even briefly;
  // an atomic temp-and-rename would create the file with the umask's mode first.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return AlreadyExists(path + ": secret key file already exists");
    return OsError(path, "cannot create secret key file");
  }
  // The umask cannot widen 0600, but a pre-set ACL default could; make the mode exact.
  if (::fchmod(fd, 0600) != 0) {
    Status status = OsError(path, "cannot set mode 0600");
    ::close(fd);
    return status;
  }
  const std::string text = key.ToText();
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status status = OsError(path, "cannot write secret key file");
      ::close(fd);
      ::unlink(path.c_str());
      return status;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status status = OsError(path, "cannot fsync secret key file");
    ::close(fd);
    ::unlink(path.c_str());
    return status;
  }
  if (::close(fd) != 0) return OsError(path, "cannot close secret key file");
  // Make the new directory entry durable too.
  const std::string dir = DirName(path);
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return OsError(dir, "cannot open directory to fsync");
  int rc = ::fsync(dir_fd);
  ::close(dir_fd);
  if (rc != 0) return OsError(dir, "cannot fsync directory");
  return Status::Ok();
}

Result<SigningKey> LoadSigningKey(FileSystem& file_system, const std::string& path) {
  EL_ASSIGN_OR_RETURN(std::string text, file_system.ReadFile(path));
  Result<SigningKey> key = SigningKey::Parse(text);
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

Status SavePublicKey(FileSystem& file_system, const PublicKey& key, const std::string& path) {
  return file_system.WriteFileAtomic(path, key.ToText());
}

Result<PublicKey> LoadPublicKey(FileSystem& file_system, const std::string& path) {
  EL_ASSIGN_OR_RETURN(std::string text, file_system.ReadFile(path));
  Result<PublicKey> key = PublicKey::Parse(text);
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

}  // namespace edgeloop::bundle
