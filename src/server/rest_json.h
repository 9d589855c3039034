// Small helpers the REST handlers share: JSON responses, strict JSON request bodies and query
// parameters. Every error is InvalidArgument naming the request and the field, e.g.
// "PUT /api/v1/models/pump-failure/aliases/champion: body.version: expected an integer".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "net/http_types.h"

namespace edgeloop::server {

// `body` dumped compactly as an application/json response.
net::HttpResponse JsonReply(int status, const nlohmann::json& body);

// The request's body as a JSON object that has only `known` members; the message names the
// request ("PUT /api/v1/...: body: ...").
Result<nlohmann::json> ParseBodyObject(const net::HttpRequest& request,
                                       const std::vector<std::string_view>& known);

// Query parameters. Missing gives `fallback` / nullopt.
Result<int64_t> QueryInt(const net::HttpRequest& request, const std::string& key,
                         int64_t fallback, int64_t min, int64_t max);
// A timestamp (ParseTimestamp's forms) or integer milliseconds.
Result<std::optional<int64_t>> QueryTime(const net::HttpRequest& request, const std::string& key);
// InvalidArgument naming the first parameter not in `known`.
Status OnlyKnownQuery(const net::HttpRequest& request, const std::vector<std::string_view>& known);

// The {name} path parameter the router filled in; "" when the route has none.
std::string PathParam(const net::HttpRequest& request, const std::string& name);

// "METHOD /path" for messages.
std::string RequestName(const net::HttpRequest& request);

}  // namespace edgeloop::server
