// Workspace: an edgeloop home folder, shared by the CLI and the server.
//
//   <home>/edgeloop.db           SQLite database (WAL): registry, runs, datasets, ...
//   <home>/artifacts/sha256/...  content-addressed artifacts (see ArtifactStore)
//
// Schemas: Open() applies the MigrationSets it is given (e.g. {registry::RegistrySchema()}),
// so `edgeloop init` leaves a complete database. Each module's store also applies its own set
// when it is opened over a Database, so a store never runs against tables it does not know;
// applying twice is a no-op. There is no global list of modules.
//
// Ownership: owns its Database and ArtifactStore; refers to a FileSystem that must outlive it.
// Thread-safety: not thread-safe (see Database).
//
// Errors: NotFound (with how to create one) when the home or its database does not exist and
// `create` is false; FailedPrecondition when the database was written by a newer edgeloop;
// FileSystem and database errors otherwise.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/status.h"
#include "store/artifact_store.h"
#include "store/database.h"
#include "store/migrations.h"

namespace edgeloop::store {

// The home folder: `flag` when set, else $EDGELOOP_HOME (pass getenv's result, may be null),
// else "./edgeloop-home".
std::string ResolveHome(const std::string& flag, const char* env_edgeloop_home);

class Workspace {
 public:
  struct Options {
    bool create = false;                // make the home, database and folders when missing
    bool synchronous_full = false;      // see Database::Options
    std::vector<MigrationSet> schemas;  // applied on open, in order
  };

  static Result<std::unique_ptr<Workspace>> Open(const std::string& home, FileSystem& fs,
                                                 const Options& options);
  static Result<std::unique_ptr<Workspace>> Open(const std::string& home, FileSystem& fs,
                                                 bool create) {
    Options options;
    options.create = create;
    return Open(home, fs, options);
  }

  const std::string& home() const { return home_; }
  std::string DatabasePath() const;
  Database& db() { return *db_; }
  ArtifactStore& artifacts() { return *artifacts_; }
  FileSystem& fs() { return fs_; }

 private:
  Workspace(std::string home, FileSystem& fs, std::unique_ptr<Database> db);

  std::string home_;
  FileSystem& fs_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ArtifactStore> artifacts_;
};

}  // namespace edgeloop::store
