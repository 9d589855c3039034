// TempDir: a fresh folder under $TMPDIR (or /tmp) for a test, removed with everything in it when
// the TempDir goes out of scope. Test-only; header-only so that tests of any module above store
// can use it without linking anything.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace edgeloop::store::testing {

class TempDir {
 public:
  TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp") + "/edgeloop-test-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Empty when the folder could not be made.
  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace edgeloop::store::testing
