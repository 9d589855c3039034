// AuditTable: the append-only record of every mutation (table `audit_log`), and SqlAuditLog,
// the AuditLog that REST handlers record into.
//
// A row says when (server clock), who (token id, role and name of the principal; "cli" for the
// `edgeloop tokens` commands), what ("model.alias.set"), on what ("model/pump-failure/champion")
// and a compact JSON object with the details. Rows are numbered by `seq`, which only grows, so a
// reader pages with `after`.
//
// AuditTable refers to a Database (not thread-safe, one per connection). SqlAuditLog takes a
// connection from a ServerDb per record and is thread-safe. Errors: InvalidArgument for an empty
// action or a detail that is not a JSON object; database errors as in store/database.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "server/rest_context.h"
#include "server/server_db.h"
#include "store/database.h"

namespace edgeloop::server {

struct AuditEntry {
  int64_t seq = 0;  // assigned on append
  int64_t time_ms = 0;
  std::string token_id;
  std::string role;
  std::string name;
  std::string action;
  std::string target;
  std::string detail_json = "{}";
};

inline constexpr int kMaxAuditPage = 1000;

class AuditTable {
 public:
  explicit AuditTable(store::Database& db) : db_(db) {}

  // Returns the new row's seq.
  Result<int64_t> Append(const AuditEntry& entry);
  // Rows with seq > after_seq, oldest first, at most `limit` (1..kMaxAuditPage).
  Result<std::vector<AuditEntry>> List(int64_t after_seq, int limit);

 private:
  store::Database& db_;
};

class SqlAuditLog final : public AuditLog {
 public:
  SqlAuditLog(ServerDb& db, Clock& clock) : db_(db), clock_(clock) {}

  Status Record(const Principal& principal, std::string_view action, std::string_view target,
                std::string_view detail_json) override;

 private:
  ServerDb& db_;
  Clock& clock_;
};

}  // namespace edgeloop::server
