#include "server/rest_router.h"

#include <cstdio>

#include "base/strings.h"

namespace edgeloop::server {
namespace {

std::string Describe(const Principal& p) {
  return "token " + p.token_id + " (" + std::string(RoleName(p.role)) + " '" + p.name + "')";
}

}  // namespace

std::string_view AccessName(Access access) {
  switch (access) {
    case Access::kPublic: return "public";
    case Access::kRead: return "read";
    case Access::kOperate: return "operate";
    case Access::kAdmin: return "admin";
    case Access::kOwnDevice: return "own-device";
    case Access::kAnyToken: return "any-token";
  }
  return "unknown";
}

Status CheckAccess(Access access, const Principal& principal, const net::HttpRequest& request) {
  const std::string route = request.method + " " + request.path;
  switch (access) {
    case Access::kPublic:
    case Access::kAnyToken:
      return Status::Ok();
    case Access::kRead:
    case Access::kOperate:
      if (principal.role == Role::kAdmin || principal.role == Role::kOperator) return Status::Ok();
      return PermissionDenied(Describe(principal) + " may not call " + route +
                              ": it needs an admin or operator token");
    case Access::kAdmin:
      if (principal.role == Role::kAdmin) return Status::Ok();
      return PermissionDenied(Describe(principal) + " may not call " + route +
                              ": it needs an admin token");
    case Access::kOwnDevice: {
      if (principal.role == Role::kAdmin) return Status::Ok();
      auto id = request.path_params.find("id");
      if (principal.role == Role::kDevice && id != request.path_params.end() &&
          !principal.device_id.empty() && id->second == principal.device_id) {
        return Status::Ok();
      }
      return PermissionDenied(Describe(principal) + " may not call " + route +
                              ": only the device itself or an admin may");
    }
  }
  return PermissionDenied("route " + route + " has an unknown access rule");
}

Result<std::string> BearerToken(const net::HttpRequest& request) {
  const std::string header = net::HeaderValue(request, "authorization");
  if (header.empty()) {
    return Unauthenticated("missing `Authorization: Bearer <token>` header");
  }
  const std::string_view value = Trim(header);
  const size_t space = value.find(' ');
  if (space == std::string_view::npos || ToLower(value.substr(0, space)) != "bearer") {
    return Unauthenticated("the Authorization header must use the Bearer scheme");
  }
  return std::string(Trim(value.substr(space + 1)));
}

Status RestRouter::Add(std::string_view method, std::string_view pattern, Access access,
                       RestHandler handler) {
  return AddWithBodyLimit(method, pattern, access, default_max_body_bytes_, std::move(handler));
}

Status RestRouter::AddWithBodyLimit(std::string_view method, std::string_view pattern,
                                    Access access, int64_t max_body_bytes, RestHandler handler) {
  RouteInfo route{std::string(method), std::string(pattern), access, max_body_bytes};
  EL_RETURN_IF_ERROR(server_.Route(
      method, pattern, [this, route, handler = std::move(handler)](const net::HttpRequest& request) {
        const int64_t start = clock_.MonotonicNanos();
        std::string who = "-";
        net::HttpResponse response = Serve(route, handler, request, &who);
        const int64_t elapsed = clock_.MonotonicNanos() - start;
        metrics_.Observe(route.method, route.pattern, response.status, elapsed);
        if (log_.Enabled(LogLevel::kDebug)) {
          char ms[32];
          std::snprintf(ms, sizeof(ms), "%.1f", static_cast<double>(elapsed) / 1e6);
          log_.Debug(request.method + " " + request.path + " -> " +
                     std::to_string(response.status) + " in " + ms + " ms (" + who + ")");
        }
        return response;
      }));
  routes_.push_back(std::move(route));
  return Status::Ok();
}

net::HttpResponse RestRouter::Serve(const RouteInfo& route, const RestHandler& handler,
                                    const net::HttpRequest& request, std::string* who) const {
  Principal principal;
  if (route.access == Access::kPublic) {
    principal.name = "anonymous";
  } else {
    Result<std::string> token = BearerToken(request);
    if (!token.ok()) return StatusResponse(token.status());
    Result<Principal> authenticated = authenticate_(*token);
    if (!authenticated.ok()) return StatusResponse(authenticated.status());
    principal = std::move(authenticated).value();
    *who = principal.token_id;
    Status allowed = CheckAccess(route.access, principal, request);
    if (!allowed.ok()) return StatusResponse(allowed);
  }
  if (static_cast<int64_t>(request.body.size()) > route.max_body_bytes) {
    return StatusResponse(ResourceExhausted(
        request.method + " " + route.pattern + ": request body of " +
        std::to_string(request.body.size()) + " bytes exceeds the limit of " +
        std::to_string(route.max_body_bytes) + " bytes"));
  }
  return handler(request, principal);
}

}  // namespace edgeloop::server
