// The registry over REST: models, versions, aliases and runs (/api/v1/models..., /api/v1/runs...).
//
//   GET    /api/v1/models                                   read    {"models": [model...]}
//   GET    /api/v1/models/{name}                            read    model
//   GET    /api/v1/models/{name}/versions                   read    {"versions": [version...]}
//   GET    /api/v1/models/{name}/versions/{version}         read    version
//   PUT    /api/v1/models/{name}/aliases/{alias}            admin   {"version": N} -> alias
//   DELETE /api/v1/models/{name}/aliases/{alias}            admin   -> alias that was removed
//   GET    /api/v1/runs?limit=&status=&kind=                read    {"runs": [run...]}
//   GET    /api/v1/runs/{id}                                read    run
//
// Bodies are registry/record_json.h's views. Alias changes are audited ("model.alias.set",
// "model.alias.delete"). Errors: those of AddRoute; handlers answer with StatusResponse.
#pragma once

#include "base/status.h"
#include "server/rest_context.h"
#include "server/server_db.h"

namespace edgeloop::server {

struct ModelRoutesContext {
  ServerDb& db;
  AuditLog& audit;
};

Status AddModelRoutes(RestRoutes& routes, ModelRoutesContext& context);

}  // namespace edgeloop::server
