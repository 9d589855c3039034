#include "store/database.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <string>

namespace edgeloop::store {

Status SqliteStatus(int rc, std::string message) {
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Ok();
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(std::move(message));
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return AlreadyExists(std::move(message));
      }
      return FailedPrecondition(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLoss(std::move(message));
    case SQLITE_FULL:
      return ResourceExhausted(std::move(message));
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return IoError(std::move(message));
    default:
      return Internal(std::move(message));
  }
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, const Options& options) {
  if (!options.create_if_missing) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      return NotFound(path + ": database file does not exist");
    }
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create_if_missing) flags |= SQLITE_OPEN_CREATE;
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close_v2(handle);
    return SqliteStatus(rc, path + ": open database: " + why);
  }
  sqlite3_extended_result_codes(handle, 1);
  std::unique_ptr<Database> db(new Database(path, handle));
  sqlite3_busy_timeout(handle, options.busy_timeout_ms);

  // journal_mode returns a row; "wal" confirms the switch (it fails on some file systems).
  EL_ASSIGN_OR_RETURN(Statement journal, db->Prepare("PRAGMA journal_mode=WAL", "set WAL mode"));
  EL_ASSIGN_OR_RETURN(bool has_row, journal.Step());
  if (!has_row || journal.ColumnText(0) != "wal") {
    return IoError(path + ": set WAL mode: the file system does not support write-ahead logging");
  }
  EL_RETURN_IF_ERROR(journal.Reset());
  const std::string sync =
      options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  EL_RETURN_IF_ERROR(db->Exec(sync, "set synchronous mode"));
  EL_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON", "enable foreign keys"));
  // Reading the schema surfaces "file is not a database" at open time, not at first use.
  EL_RETURN_IF_ERROR(db->Exec("SELECT count(*) FROM sqlite_schema", "read schema"));
  return db;
}

Database::~Database() { sqlite3_close_v2(handle_); }

Status Database::Exec(std::string_view sql, std::string_view purpose) {
  char* errmsg = nullptr;
  const std::string text(sql);
  int rc = sqlite3_exec(handle_, text.c_str(), nullptr, nullptr, &errmsg);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string why = errmsg != nullptr ? errmsg : sqlite3_errstr(rc);
  sqlite3_free(errmsg);
  return SqliteStatus(rc, path_ + ": " + std::string(purpose) + ": " + why);
}

Result<Statement> Database::Prepare(std::string_view sql, std::string_view purpose) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(handle_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return ErrorStatus(rc, purpose);
  }
  return Statement(this, stmt, std::string(purpose));
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(handle_); }

int64_t Database::Changes() const { return sqlite3_changes64(handle_); }

bool Database::InTransaction() const { return sqlite3_get_autocommit(handle_) == 0; }

Status Database::ErrorStatus(int rc, std::string_view purpose) const {
  // The connection's message is more specific ("UNIQUE constraint failed: runs.id") when it
  // belongs to this error.
  const bool connection_knows =
      sqlite3_extended_errcode(handle_) == rc || sqlite3_errcode(handle_) == (rc & 0xff);
  std::string why = connection_knows ? sqlite3_errmsg(handle_) : sqlite3_errstr(rc);
  return SqliteStatus(rc, path_ + ": " + std::string(purpose) + ": " + why);
}

}  // namespace edgeloop::store
