#include "io/internal/runtime_library.h"

#include <dlfcn.h>

namespace edgeloop::io::internal {

Result<std::unique_ptr<RuntimeLibrary>> RuntimeLibrary::Open(
    const std::string& soname, const std::string& package,
    const std::vector<const char*>& symbols) {
  void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error = dlerror();
    return FailedPrecondition(soname + " cannot be loaded (" +
                              std::string(error != nullptr ? error : "unknown error") +
                              "): install the Debian package " + package);
  }
  auto library = std::unique_ptr<RuntimeLibrary>(new RuntimeLibrary());
  for (const char* name : symbols) {
    void* address = dlsym(handle, name);
    if (address == nullptr) {
      return FailedPrecondition(soname + " has no symbol " + name + ": install the Debian package " +
                                package + " in a version that provides it");
    }
    library->symbols_[name] = address;
  }
  return library;
}

void* RuntimeLibrary::Symbol(const char* name) const {
  auto it = symbols_.find(name);
  return it == symbols_.end() ? nullptr : it->second;
}

}  // namespace edgeloop::io::internal
