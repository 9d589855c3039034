// AppContext: the seams a command runs with (files, time, randomness, output streams), and the
// workspace it opens. main.cc builds the real ones; tests build their own.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/file_system.h"
#include "base/log.h"
#include "base/random.h"
#include "base/status.h"
#include "registry/sqlite_registry.h"
#include "store/workspace.h"

namespace edgeloop::app {

struct AppContext {
  FileSystem* fs = nullptr;
  Clock* clock = nullptr;
  Random* random = nullptr;
  Logger* log = nullptr;
  std::FILE* out = stdout;
  std::FILE* err = stderr;
  bool progress = false;  // stderr is a terminal: show progress lines
  std::string home;       // resolved workspace folder
};

struct OpenedWorkspace {
  std::unique_ptr<store::Workspace> workspace;
  std::unique_ptr<registry::SqliteRegistry> registry;
};

// Opens (or with `create`, makes) the workspace at context.home with the registry's schema.
Result<OpenedWorkspace> OpenWorkspace(const AppContext& context, bool create);

}  // namespace edgeloop::app
