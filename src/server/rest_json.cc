#include "server/rest_json.h"

#include "api/json_fields.h"
#include "base/strings.h"
#include "base/time_format.h"

namespace edgeloop::server {

net::HttpResponse JsonReply(int status, const nlohmann::json& body) {
  // Invalid UTF-8 from stored text is replaced rather than thrown on.
  return net::JsonResponse(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string RequestName(const net::HttpRequest& request) {
  return request.method + " " + request.path;
}

std::string PathParam(const net::HttpRequest& request, const std::string& name) {
  auto it = request.path_params.find(name);
  return it == request.path_params.end() ? std::string() : it->second;
}

Result<nlohmann::json> ParseBodyObject(const net::HttpRequest& request,
                                       const std::vector<std::string_view>& known) {
  const std::string doc = RequestName(request) + ": body";
  if (Trim(request.body).empty()) return InvalidArgument(doc + ": expected a JSON object, got nothing");
  nlohmann::json object;
  EL_RETURN_IF_ERROR(api::JsonFields::ParseObject(request.body, doc, &object));
  EL_RETURN_IF_ERROR(api::JsonFields(object, doc).OnlyKnown(known));
  return object;
}

Result<int64_t> QueryInt(const net::HttpRequest& request, const std::string& key,
                         int64_t fallback, int64_t min, int64_t max) {
  auto it = request.query.find(key);
  if (it == request.query.end()) return fallback;
  Result<int64_t> value = ParseInt(it->second);
  if (!value.ok() || *value < min || *value > max) {
    return InvalidArgument(RequestName(request) + ": query parameter " + key + "='" + it->second +
                           "': expected an integer from " + std::to_string(min) + " to " +
                           std::to_string(max));
  }
  return *value;
}

Result<std::optional<int64_t>> QueryTime(const net::HttpRequest& request, const std::string& key) {
  auto it = request.query.find(key);
  if (it == request.query.end()) return std::optional<int64_t>();
  Result<int64_t> millis = ParseInt(it->second);
  if (millis.ok()) return std::optional<int64_t>(*millis);
  Result<int64_t> parsed = ParseTimestamp(it->second);
  if (!parsed.ok()) {
    return InvalidArgument(RequestName(request) + ": query parameter " + key + "='" + it->second +
                           "': expected a UTC timestamp (2026-01-01T00:00:00Z) or milliseconds");
  }
  return std::optional<int64_t>(*parsed);
}

Status OnlyKnownQuery(const net::HttpRequest& request, const std::vector<std::string_view>& known) {
  for (const auto& [key, value] : request.query) {
    bool ok = false;
    for (std::string_view k : known) ok |= (key == k);
    if (ok) continue;
    std::string names;
    for (std::string_view k : known) names += (names.empty() ? "" : ", ") + std::string(k);
    return InvalidArgument(RequestName(request) + ": unknown query parameter '" + key + "'" +
                           (names.empty() ? " (it takes none)" : " (known: " + names + ")"));
  }
  return Status::Ok();
}

}  // namespace edgeloop::server
