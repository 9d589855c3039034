#include "server/system_routes.h"

#include <nlohmann/json.hpp>

#include "base/build_info.h"
#include "base/time_format.h"
#include "server/audit_table.h"
#include "server/rest_json.h"
#include "store/statement.h"

namespace edgeloop::server {
namespace {

using nlohmann::json;

net::HttpResponse Health(ServerDb& db) {
  Status readable = [&]() -> Status {
    EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db.Acquire());
    EL_ASSIGN_OR_RETURN(store::Statement st, lease.db().Prepare("SELECT 1", "health check"));
    Result<bool> row = st.Step();
    return row.ok() ? Status::Ok() : row.status();
  }();
  if (!readable.ok()) {
    return JsonReply(503, json{{"status", "unavailable"}, {"error", readable.message()},
                               {"version", CodeVersion()}});
  }
  return JsonReply(200, json{{"status", "ok"}, {"version", CodeVersion()}});
}

Result<net::HttpResponse> Audit(ServerDb& db, const net::HttpRequest& request) {
  EL_RETURN_IF_ERROR(OnlyKnownQuery(request, {"after", "limit"}));
  EL_ASSIGN_OR_RETURN(int64_t after, QueryInt(request, "after", 0, 0, INT64_MAX));
  EL_ASSIGN_OR_RETURN(int64_t limit, QueryInt(request, "limit", 100, 1, kMaxAuditPage));
  EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db.Acquire());
  EL_ASSIGN_OR_RETURN(std::vector<AuditEntry> entries,
                      AuditTable(lease.db()).List(after, static_cast<int>(limit)));
  json out = json::array();
  int64_t next_after = after;
  for (const AuditEntry& e : entries) {
    json detail = json::parse(e.detail_json, nullptr, /*allow_exceptions=*/false);
    out.push_back(json{{"seq", e.seq},
                       {"time_ms", e.time_ms},
                       {"time", FormatTimestamp(e.time_ms)},
                       {"token_id", e.token_id},
                       {"role", e.role},
                       {"name", e.name},
                       {"action", e.action},
                       {"target", e.target},
                       {"detail", detail.is_discarded() ? json(e.detail_json) : detail}});
    next_after = e.seq;
  }
  return JsonReply(200, json{{"entries", out}, {"next_after", next_after}});
}

}  // namespace

Status AddSystemRoutes(RestRoutes& routes, SystemRoutesContext& context) {
  SystemRoutesContext* c = &context;
  EL_RETURN_IF_ERROR(routes.Add("GET", "/healthz", Access::kPublic,
                                [c](const net::HttpRequest&, const Principal&) {
                                  return Health(c->db);
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/metrics", Access::kPublic,
                                [c](const net::HttpRequest&, const Principal&) {
                                  net::HttpResponse response;
                                  response.content_type = "text/plain; version=0.0.4";
                                  response.body = c->metrics.Render();
                                  return response;
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/audit", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  Result<net::HttpResponse> r = Audit(c->db, request);
                                  return r.ok() ? *r : StatusResponse(r.status());
                                }));
  return Status::Ok();
}

}  // namespace edgeloop::server
