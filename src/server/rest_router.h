// RestRouter: the RestRoutes of the server, over a net::HttpServer.
//
// Every route it adds is wrapped so that, before the handler runs:
//   1. the bearer token (`Authorization: Bearer elt_...`) is authenticated — a missing,
//      malformed, unknown or revoked token gives 401 (kPublic routes need none);
//   2. the route's Access is checked against the principal (CheckAccess) — 403 otherwise;
//   3. the body is checked against the route's limit — 413 over it.
// A request refused at any step never reaches its handler, so it changes nothing. After the
// handler, the request is counted in ServerMetrics and logged at debug level, one line:
//   "PUT /api/v1/models/pump-failure/aliases/champion -> 200 in 1.2 ms (tok-3f2a9c0d1e2b)".
//
// The transport (HttpServer) has one body limit for every route; set it to the largest route
// limit and let RestRouter hold the other routes to their own.
//
// Ownership: refers to the HttpServer, metrics, clock and logger, which must outlive it.
// Thread-safety: Add*() before the server listens; the wrapped handlers are thread-safe when
// `authenticate` and the handlers are.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/status.h"
#include "net/http_server.h"
#include "server/rest_context.h"
#include "server/server_metrics.h"

namespace edgeloop::server {

struct RouteInfo {
  std::string method;
  std::string pattern;
  Access access = Access::kAdmin;
  int64_t max_body_bytes = 0;
};

std::string_view AccessName(Access access);  // "public", "read", "operate", "admin", ...

// OK when `principal` may call a route with `access`; PermissionDenied naming the token, its
// role and what the route needs otherwise. kOwnDevice compares the principal's device id with
// the request's {id} path parameter.
Status CheckAccess(Access access, const Principal& principal, const net::HttpRequest& request);

// The token of an `Authorization: Bearer <token>` header; Unauthenticated when the header is
// missing or uses another scheme.
Result<std::string> BearerToken(const net::HttpRequest& request);

class RestRouter final : public RestRoutes {
 public:
  using Authenticator = std::function<Result<Principal>(std::string_view token)>;

  RestRouter(net::HttpServer& server, Authenticator authenticate, ServerMetrics& metrics,
             Clock& clock, Logger& log, int64_t default_max_body_bytes)
      : server_(server),
        authenticate_(std::move(authenticate)),
        metrics_(metrics),
        clock_(clock),
        log_(log),
        default_max_body_bytes_(default_max_body_bytes) {}

  // With the default body limit.
  Status Add(std::string_view method, std::string_view pattern, Access access,
             RestHandler handler) override;
  Status AddWithBodyLimit(std::string_view method, std::string_view pattern, Access access,
                          int64_t max_body_bytes, RestHandler handler);

  // Every route added so far, in order.
  const std::vector<RouteInfo>& routes() const { return routes_; }

 private:
  net::HttpResponse Serve(const RouteInfo& route, const RestHandler& handler,
                          const net::HttpRequest& request, std::string* who) const;

  net::HttpServer& server_;
  Authenticator authenticate_;
  ServerMetrics& metrics_;
  Clock& clock_;
  Logger& log_;
  const int64_t default_max_body_bytes_;
  std::vector<RouteInfo> routes_;
};

}  // namespace edgeloop::server
