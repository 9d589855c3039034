#include "store/migrations.h"

#include "base/build_info.h"
#include "store/statement.h"
#include "store/transaction.h"

namespace edgeloop::store {
namespace {

constexpr char kCreateSchemaVersion[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "  module TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  applied_by TEXT NOT NULL,"
    "  PRIMARY KEY (module, version))";

Status ValidateSet(const Database& db, const MigrationSet& set) {
  if (set.module.empty()) return InvalidArgument(db.path() + ": migration set has no module name");
  for (size_t i = 0; i < set.migrations.size(); ++i) {
    const Migration& m = set.migrations[i];
    if (m.version != static_cast<int>(i) + 1) {
      return InvalidArgument(db.path() + ": migrations of module '" + set.module +
                             "' must be numbered 1, 2, 3, ... in order; entry " +
                             std::to_string(i + 1) + " has version " + std::to_string(m.version));
    }
    if (m.sql.empty()) {
      return InvalidArgument(db.path() + ": migration " + std::to_string(m.version) +
                             " of module '" + set.module + "' has no SQL");
    }
  }
  return Status::Ok();
}

// The newest version of `module` and the code version that applied it.
Status ReadNewest(Database& db, const std::string& module, int* version, std::string* applied_by) {
  EL_ASSIGN_OR_RETURN(Statement st,
                      db.Prepare("SELECT version, applied_by FROM schema_version WHERE module = ?1 "
                                 "ORDER BY version DESC LIMIT 1",
                                 "read schema version of module " + module));
  st.Bind(1, module);
  EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
  *version = has_row ? static_cast<int>(st.ColumnInt64(0)) : 0;
  if (applied_by != nullptr) *applied_by = has_row ? st.ColumnText(1) : std::string();
  return Status::Ok();
}

Status CheckNotNewer(const Database& db, const MigrationSet& set, int current,
                     const std::string& applied_by) {
  const int known = static_cast<int>(set.migrations.size());
  if (current <= known) return Status::Ok();
  return FailedPrecondition(db.path() + ": the '" + set.module + "' tables are at schema version " +
                            std::to_string(current) + ", written by edgeloop " + applied_by +
                            ", but this edgeloop (" + CodeVersion() + ") knows versions up to " +
                            std::to_string(known) + "; use edgeloop " + applied_by +
                            " or newer with this database");
}

Status ApplyOne(Database& db, const MigrationSet& set, const Migration& m) {
  const std::string purpose = "migrate module " + set.module + " to version " +
                              std::to_string(m.version) + " (" + m.name + ")";
  EL_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db, purpose));
  // Another process may have applied it while this one waited for the lock.
  int current = 0;
  std::string applied_by;
  EL_RETURN_IF_ERROR(ReadNewest(db, set.module, &current, &applied_by));
  EL_RETURN_IF_ERROR(CheckNotNewer(db, set, current, applied_by));
  if (current >= m.version) return Status::Ok();
  if (current != m.version - 1) {
    return DataLoss(db.path() + ": module '" + set.module + "' skipped from schema version " +
                    std::to_string(current) + " to " + std::to_string(m.version));
  }
  EL_RETURN_IF_ERROR(db.Exec(m.sql, purpose));
  EL_ASSIGN_OR_RETURN(Statement record,
                      db.Prepare("INSERT INTO schema_version (module, version, name, applied_by) "
                                 "VALUES (?1, ?2, ?3, ?4)",
                                 purpose + " (record version)"));
  record.Bind(1, set.module).Bind(2, m.version).Bind(3, m.name).Bind(4, CodeVersion());
  EL_RETURN_IF_ERROR(record.Run());
  return tx.Commit();
}

}  // namespace

Status ApplyMigrations(Database& db, const MigrationSet& set) {
  EL_RETURN_IF_ERROR(ValidateSet(db, set));
  EL_RETURN_IF_ERROR(db.Exec(kCreateSchemaVersion, "create table schema_version"));
  int current = 0;
  std::string applied_by;
  EL_RETURN_IF_ERROR(ReadNewest(db, set.module, &current, &applied_by));
  EL_RETURN_IF_ERROR(CheckNotNewer(db, set, current, applied_by));
  for (const Migration& m : set.migrations) {
    if (m.version <= current) continue;
    EL_RETURN_IF_ERROR(ApplyOne(db, set, m));
  }
  return Status::Ok();
}

Result<int> SchemaVersion(Database& db, const std::string& module) {
  EL_RETURN_IF_ERROR(db.Exec(kCreateSchemaVersion, "create table schema_version"));
  int version = 0;
  EL_RETURN_IF_ERROR(ReadNewest(db, module, &version, nullptr));
  return version;
}

}  // namespace edgeloop::store
