// The server's own routes: liveness, metrics and the audit log.
//
//   GET /healthz                          public  {"status": "ok", "version": ...}
//   GET /metrics                          public  Prometheus text (ServerMetrics)
//   GET /api/v1/audit?after=SEQ&limit=N   read    {"entries": [...], "next_after": SEQ}
//
// /metrics is public like /healthz: it holds counts, no names or secrets, and scrapers rarely
// carry tokens. /healthz answers 503 when the database cannot be read.
#pragma once

#include "base/status.h"
#include "server/rest_context.h"
#include "server/server_db.h"
#include "server/server_metrics.h"

namespace edgeloop::server {

struct SystemRoutesContext {
  ServerDb& db;
  ServerMetrics& metrics;
};

Status AddSystemRoutes(RestRoutes& routes, SystemRoutesContext& context);

}  // namespace edgeloop::server
