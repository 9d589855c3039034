#include "server/rest_context.h"

namespace edgeloop::server {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kOperator: return "operator";
    case Role::kDevice: return "device";
  }
  return "unknown";
}

bool ParseRole(std::string_view name, Role* role) {
  for (Role r : {Role::kAdmin, Role::kOperator, Role::kDevice}) {
    if (name == RoleName(r)) {
      *role = r;
      return true;
    }
  }
  return false;
}

net::HttpResponse StatusResponse(const Status& status) {
  if (status.ok()) return net::JsonResponse(200, "{}");
  int code = 500;
  switch (status.code()) {
    case StatusCode::kInvalidArgument: code = 400; break;
    case StatusCode::kUnauthenticated: code = 401; break;
    case StatusCode::kPermissionDenied: code = 403; break;
    case StatusCode::kNotFound: code = 404; break;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition: code = 409; break;
    case StatusCode::kResourceExhausted: code = 413; break;
    case StatusCode::kUnavailable: code = 503; break;
    default: code = 500; break;
  }
  net::HttpResponse response = net::ErrorResponse(code, status.message());
  if (code == 401) response.headers["www-authenticate"] = "Bearer realm=\"edgeloop\"";
  return response;
}

}  // namespace edgeloop::server
