// Maintenance events over REST (/api/v1/events...).
//
//   POST /api/v1/events         operate  JSON array of {time, asset, kind, failure_mode?}
//   POST /api/v1/events/import  operate  CSV text with the header of events.csv
//                                        (time,asset,kind,failure_mode), as `data import` reads
//   GET  /api/v1/events?asset=&from=&to=&limit=   read   {"events": [...]}
//
// kind is failure, repair, maintenance or inspection; a failure without a mode gets "unknown".
// A post is checked whole before anything is stored (one bad event stores none) and answers
// 201 {"added", "duplicates"} when something was added, 200 when every event was already there.
// Posts that add events are audited ("events.record", "events.import").
#pragma once

#include "base/clock.h"
#include "base/status.h"
#include "server/rest_context.h"
#include "server/server_db.h"

namespace edgeloop::server {

inline constexpr size_t kMaxEventsPerPost = 100'000;

struct EventRoutesContext {
  ServerDb& db;
  AuditLog& audit;
  Clock& clock;
};

Status AddEventRoutes(RestRoutes& routes, EventRoutesContext& context);

}  // namespace edgeloop::server
