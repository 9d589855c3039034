// Migrations: versioned schema changes, owned by the module whose tables they create.
//
// Each module that keeps tables in an edgeloop database describes its schema as a MigrationSet:
// the module name and an ordered list of migrations numbered 1, 2, 3, ... Applying a set runs
// every migration the database has not seen yet, each in its own transaction together with its
// row in the `schema_version` table (module, version, name, applied_by), so a crash leaves the
// schema at some whole version. Applying is idempotent and safe when two processes race: the
// version is re-read after the write lock is taken.
//
// Released migrations are never edited; a change to the schema is a new migration.
//
// Errors: InvalidArgument for a malformed set (a bug in the module); FailedPrecondition when the
// database holds a newer version of the module than this edgeloop knows (it was written by a
// newer edgeloop, and this one must not touch it); database errors as described in database.h.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace edgeloop::store {

struct Migration {
  int version = 0;   // 1, 2, 3, ... within the module
  std::string name;  // "create runs", for people reading schema_version
  std::string sql;   // one or more statements
};

struct MigrationSet {
  std::string module;  // "registry"
  std::vector<Migration> migrations;
};

// Brings `set.module`'s tables in `db` up to the newest version in `set`.
Status ApplyMigrations(Database& db, const MigrationSet& set);

// The newest applied version of `module` (0 when none).
Result<int> SchemaVersion(Database& db, const std::string& module);

}  // namespace edgeloop::store
