// The seams every REST handler of the server is written against: who is calling (Principal),
// what a route lets through (Access), how a route is added (RestRoutes), how a Status becomes an
// HTTP response (the one mapping), and where mutations are recorded (AuditLog).
//
// A handler receives the request and the authenticated principal; RestRoutes has already
// checked the bearer token and the route's Access before calling it. Handlers are called on the
// server's worker threads and must be thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "net/http_types.h"

namespace edgeloop::server {

enum class Role { kAdmin, kOperator, kDevice };
std::string_view RoleName(Role role);  // "admin", "operator", "device"
bool ParseRole(std::string_view name, Role* role);

struct Principal {
  Role role = Role::kOperator;
  std::string token_id;   // public id of the token ("tok-3f2a9c0d"), never the secret
  std::string name;       // what the token was created for ("alice", "pump-gw-17")
  std::string device_id;  // set for Role::kDevice only
};

enum class Access {
  kPublic,    // no token needed (GET /healthz)
  kRead,      // admin or operator
  kOperate,   // admin or operator: approve promotions, record events, pause/resume
  kAdmin,     // admin only
  kOwnDevice,  // the device whose id is the route's {id} parameter, or an admin
  kAnyToken    // any valid token, devices included (bundle downloads named in a desired state)
};

using RestHandler =
    std::function<net::HttpResponse(const net::HttpRequest& request, const Principal& principal)>;

class RestRoutes {
 public:
  virtual ~RestRoutes() = default;
  // Errors as net::HttpRouter::Add. A request without a valid token gets 401, a token whose role
  // the Access does not allow gets 403; neither reaches the handler.
  virtual Status Add(std::string_view method, std::string_view pattern, Access access,
                     RestHandler handler) = 0;
};

// The one mapping from Status to HTTP: InvalidArgument 400, Unauthenticated 401,
// PermissionDenied 403, NotFound 404, AlreadyExists and FailedPrecondition 409,
// ResourceExhausted 413, Unavailable 503, others 500; the body is ErrorResponse's JSON with the
// status message.
net::HttpResponse StatusResponse(const Status& status);

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Records one mutation: who, what ("device.provision"), on what ("device/pump-gw-17") and a
  // compact JSON detail. A failure to audit fails the mutation's response (500) but the caller
  // decides; handlers record after the change commits.
  virtual Status Record(const Principal& principal, std::string_view action,
                        std::string_view target, std::string_view detail_json) = 0;
};

}  // namespace edgeloop::server
