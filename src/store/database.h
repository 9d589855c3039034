// Database: one open connection to an SQLite database file.
//
// Open() configures the connection the same way everywhere: WAL journal mode (readers never
// block the writer), synchronous=NORMAL (or FULL when the caller asks: every commit then
// survives a power cut, not only a process crash), foreign_keys=ON and a 5 s busy timeout, so
// several processes (the CLI and a server) can share one file. Every SQLite failure becomes a
// Status that names the database file and what the SQL was for:
//   "/home/x/edgeloop.db: insert run run-3f2a9c0d1e2b: UNIQUE constraint failed: runs.id".
//
// Codes: busy/locked -> Unavailable (retry may succeed); UNIQUE/PRIMARY KEY -> AlreadyExists;
// other constraints -> FailedPrecondition; corrupt or not a database -> DataLoss; disk full ->
// ResourceExhausted; I/O and cannot-open -> IoError; anything else -> Internal.
//
// Ownership: the Database owns the sqlite3 handle; Statements prepared from it must be destroyed
// before it. Thread-safety: not thread-safe; give each thread its own Database (SQLite and WAL
// handle the sharing of the file).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/statement.h"

struct sqlite3;

namespace edgeloop::store {

class Database {
 public:
  struct Options {
    // Create the file when it does not exist; otherwise a missing file is NotFound.
    bool create_if_missing = true;
    // synchronous=FULL instead of NORMAL: fsync on every commit.
    bool synchronous_full = false;
    int busy_timeout_ms = 5000;
  };

  static Result<std::unique_ptr<Database>> Open(const std::string& path, const Options& options);
  static Result<std::unique_ptr<Database>> Open(const std::string& path) {
    return Open(path, Options());
  }

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }

  // Runs one or more statements that return no rows. `purpose` says what they are for and
  // appears in the error message ("create table runs").
  Status Exec(std::string_view sql, std::string_view purpose);

  Result<Statement> Prepare(std::string_view sql, std::string_view purpose);

  // Rowid of the last row inserted through this connection.
  int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT/UPDATE/DELETE through this connection.
  int64_t Changes() const;
  bool InTransaction() const;

  // The Status for SQLite result code `rc` on this connection (used by Statement).
  Status ErrorStatus(int rc, std::string_view purpose) const;

 private:
  Database(std::string path, sqlite3* handle) : path_(std::move(path)), handle_(handle) {}

  std::string path_;
  sqlite3* handle_;
};

// Status for an SQLite result code with an explicit message (for callers without a connection).
Status SqliteStatus(int rc, std::string message);

}  // namespace edgeloop::store
