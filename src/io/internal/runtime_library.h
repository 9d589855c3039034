// RuntimeLibrary: a shared library loaded when a feature first needs it, not at process start.
//
// The field-protocol libraries (libmodbus, libmosquitto) are loaded this way so that an agent
// that reads only CSV replays or the simulator never maps them, nor what they pull in
// (libmosquitto brings OpenSSL: ~3 MiB of resident memory). See docs/adr/0008-edge-memory.md.
//
// Open() dlopens `soname` and resolves every name in `symbols`; the first one missing fails the
// whole load. Errors are FailedPrecondition naming the library and the Debian package to install.
// The handle is never closed (the library's state lives as long as the process).
// Thread-safety: Open() may run on any thread; a loaded library is immutable.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace edgeloop::io::internal {

class RuntimeLibrary {
 public:
  static Result<std::unique_ptr<RuntimeLibrary>> Open(const std::string& soname,
                                                      const std::string& package,
                                                      const std::vector<const char*>& symbols);

  // The address of a symbol resolved by Open(); nullptr for a name it was not asked for.
  void* Symbol(const char* name) const;

 private:
  std::map<std::string, void*> symbols_;
};

}  // namespace edgeloop::io::internal
