// Runs the system's `tar --zstd -xf ARCHIVE -C DIR`, to prove bundles open with standard tools.
// Test-only, header-only.
#pragma once

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

extern char** environ;

namespace edgeloop::bundle::testing {

// False when /usr/bin/tar or the zstd program it calls is missing.
inline bool TarWithZstdAvailable() {
  return access("/usr/bin/tar", X_OK) == 0 && access("/usr/bin/zstd", X_OK) == 0;
}

// The exit status of tar, or -1 when it could not be run.
inline int TarExtract(std::string archive_path, std::string out_dir) {
  std::vector<char*> argv = {const_cast<char*>("tar"),
                             const_cast<char*>("--zstd"),
                             const_cast<char*>("-xf"),
                             archive_path.data(),
                             const_cast<char*>("-C"),
                             out_dir.data(),
                             nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, "/usr/bin/tar", nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int wstatus = 0;
  if (waitpid(pid, &wstatus, 0) != pid || !WIFEXITED(wstatus)) return -1;
  return WEXITSTATUS(wstatus);
}

}  // namespace edgeloop::bundle::testing
