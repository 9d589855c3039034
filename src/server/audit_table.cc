#include "server/audit_table.h"

#include <nlohmann/json.hpp>

#include "store/statement.h"

namespace edgeloop::server {

Result<int64_t> AuditTable::Append(const AuditEntry& entry) {
  if (entry.action.empty()) return InvalidArgument("audit entry: the action is empty");
  const nlohmann::json detail =
      nlohmann::json::parse(entry.detail_json, nullptr, /*allow_exceptions=*/false);
  if (detail.is_discarded() || !detail.is_object()) {
    return InvalidArgument("audit entry " + entry.action + ": detail is not a JSON object");
  }
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare("INSERT INTO audit_log (time_ms, token_id, role, name, action, target, detail) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                  "audit " + entry.action + " " + entry.target));
  st.Bind(1, entry.time_ms)
      .Bind(2, entry.token_id)
      .Bind(3, entry.role)
      .Bind(4, entry.name)
      .Bind(5, entry.action)
      .Bind(6, entry.target)
      .Bind(7, entry.detail_json);
  EL_RETURN_IF_ERROR(st.Run());
  return db_.LastInsertRowId();
}

Result<std::vector<AuditEntry>> AuditTable::List(int64_t after_seq, int limit) {
  if (limit < 1 || limit > kMaxAuditPage) {
    return InvalidArgument("audit: limit " + std::to_string(limit) + " is not between 1 and " +
                           std::to_string(kMaxAuditPage));
  }
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("SELECT seq, time_ms, token_id, role, name, action, target, "
                                  "detail FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                                  "read audit log"));
  st.Bind(1, after_seq).Bind(2, limit);
  std::vector<AuditEntry> out;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AuditEntry e;
    e.seq = st.ColumnInt64(0);
    e.time_ms = st.ColumnInt64(1);
    e.token_id = st.ColumnText(2);
    e.role = st.ColumnText(3);
    e.name = st.ColumnText(4);
    e.action = st.ColumnText(5);
    e.target = st.ColumnText(6);
    e.detail_json = st.ColumnText(7);
    out.push_back(std::move(e));
  }
  return out;
}

Status SqlAuditLog::Record(const Principal& principal, std::string_view action,
                           std::string_view target, std::string_view detail_json) {
  AuditEntry entry;
  entry.time_ms = clock_.NowMillis();
  entry.token_id = principal.token_id;
  entry.role = std::string(RoleName(principal.role));
  entry.name = principal.name;
  entry.action = std::string(action);
  entry.target = std::string(target);
  entry.detail_json = detail_json.empty() ? "{}" : std::string(detail_json);
  EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db_.Acquire());
  Result<int64_t> seq = AuditTable(lease.db()).Append(entry);
  return seq.ok() ? Status::Ok() : seq.status();
}

}  // namespace edgeloop::server
