// The agent's local HTTP API, bound to 127.0.0.1 by default: for the site, not for the world.
//
//   GET  /healthz    JSON: "ok" with the running bundle, "no_model" (503) before the first
//                    install; probation, open alerts and sensor faults, outbox depth.
//   GET  /metrics    Prometheus text exposition (metrics_text.h).
//   POST /v1/score   scores feature rows or readings with the running bundle (api/score_api.h);
//                    400 names the field that is wrong, 503 when no bundle is installed.
//
// Handlers only read EdgeAgent snapshots and call its thread-safe Score; they never block the
// loop. Errors: Route's, when a route cannot be added.
#pragma once

#include "agent/edge_agent.h"
#include "net/http_server.h"

namespace edgeloop::agent {

Status AddLocalApi(net::HttpServer& server, const EdgeAgent& agent);

}  // namespace edgeloop::agent
