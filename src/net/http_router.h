// HttpRouter: maps (method, path) to a handler and turns every outcome into an HttpResponse.
//
// Patterns are absolute paths whose segments are literals or `{name}` parameters, e.g.
// "/api/v1/devices/{id}/sync"; a parameter matches one non-empty segment and fills
// request.path_params. When several routes match, the one with more literal segments wins (so
// "/devices/self" beats "/devices/{id}"); ties go to the route added first. HEAD is served by
// the GET route. Dispatch never throws: no matching path gives 404, a path served only under
// other methods gives 405 with an `allow` header, and a handler that throws gives 500; all three
// with a JSON error body (see ErrorResponse).
//
// Add() is not thread-safe; after the last Add(), Dispatch() may run on any number of threads.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "net/http_types.h"

namespace edgeloop::net {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpRouter {
 public:
  // InvalidArgument for a pattern that does not start with '/', has an empty or unclosed
  // `{}` segment, or repeats a parameter name; AlreadyExists for a duplicate (method, pattern).
  Status Add(std::string_view method, std::string_view pattern, HttpHandler handler);

  // Fills request.path_params and runs the chosen handler.
  HttpResponse Dispatch(HttpRequest& request) const;

 private:
  struct Segment {
    bool is_param = false;
    std::string text;  // the literal, or the parameter name
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    int literal_count = 0;
    HttpHandler handler;
  };

  static bool Match(const Route& route, const std::vector<std::string_view>& parts,
                    std::map<std::string, std::string>* params);

  std::vector<Route> routes_;
};

// The path split at '/', without the leading empty piece ("/a/b" -> {"a", "b"}; "/" -> {""}).
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace edgeloop::net
