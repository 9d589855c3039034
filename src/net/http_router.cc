#include "net/http_router.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <set>

#include "base/strings.h"

namespace edgeloop::net {

std::vector<std::string_view> SplitPath(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return Split(path, '/');
}

Status HttpRouter::Add(std::string_view method, std::string_view pattern, HttpHandler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    return InvalidArgument("route pattern '" + std::string(pattern) + "' does not start with '/'");
  }
  Route route;
  route.method = std::string(method);
  std::transform(route.method.begin(), route.method.end(), route.method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  route.pattern = std::string(pattern);
  route.handler = std::move(handler);
  std::set<std::string> names;
  for (std::string_view part : SplitPath(pattern)) {
    Segment segment;
    if (!part.empty() && part.front() == '{') {
      if (part.size() < 3 || part.back() != '}') {
        return InvalidArgument("route pattern '" + std::string(pattern) + "': segment '" +
                               std::string(part) + "' is not a {name} parameter");
      }
      segment.is_param = true;
      segment.text = std::string(part.substr(1, part.size() - 2));
      if (!names.insert(segment.text).second) {
        return InvalidArgument("route pattern '" + std::string(pattern) + "' repeats parameter '" +
                               segment.text + "'");
      }
    } else {
      if (part.find_first_of("{}") != std::string_view::npos) {
        return InvalidArgument("route pattern '" + std::string(pattern) + "': segment '" +
                               std::string(part) + "' mixes text and braces");
      }
      segment.text = std::string(part);
      ++route.literal_count;
    }
    route.segments.push_back(std::move(segment));
  }
  for (const Route& existing : routes_) {
    if (existing.method == route.method && existing.pattern == route.pattern) {
      return AlreadyExists("route " + route.method + " " + route.pattern +
                           " is already registered");
    }
  }
  routes_.push_back(std::move(route));
  return Status::Ok();
}

bool HttpRouter::Match(const Route& route, const std::vector<std::string_view>& parts,
                       std::map<std::string, std::string>* params) {
  if (route.segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Segment& segment = route.segments[i];
    if (segment.is_param) {
      if (parts[i].empty()) return false;
    } else if (segment.text != parts[i]) {
      return false;
    }
  }
  if (params != nullptr) {
    params->clear();
    for (size_t i = 0; i < parts.size(); ++i) {
      if (route.segments[i].is_param) (*params)[route.segments[i].text] = std::string(parts[i]);
    }
  }
  return true;
}

HttpResponse HttpRouter::Dispatch(HttpRequest& request) const {
  const std::vector<std::string_view> parts = SplitPath(request.path);
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  const Route* best = nullptr;
  std::set<std::string> allowed;
  for (const Route& route : routes_) {
    if (!Match(route, parts, nullptr)) continue;
    allowed.insert(route.method);
    if (route.method != method) continue;
    if (best == nullptr || route.literal_count > best->literal_count) best = &route;
  }
  if (best == nullptr) {
    if (allowed.empty()) {
      return ErrorResponse(404, "no route for " + request.method + " " + request.path);
    }
    if (allowed.count("GET") != 0) allowed.insert("HEAD");
    std::vector<std::string> methods(allowed.begin(), allowed.end());
    HttpResponse response =
        ErrorResponse(405, "method " + request.method + " is not allowed on " + request.path +
                               " (allowed: " + Join(methods, ", ") + ")");
    response.headers["allow"] = Join(methods, ", ");
    return response;
  }
  Match(*best, parts, &request.path_params);
  try {
    return best->handler(request);
  } catch (const std::exception& e) {
    return ErrorResponse(
        500, "handler for " + best->method + " " + best->pattern + " failed: " + e.what());
  } catch (...) {
    return ErrorResponse(500, "handler for " + best->method + " " + best->pattern +
                                  " failed with a non-standard exception");
  }
}

}  // namespace edgeloop::net
