// HttpRequest / HttpResponse: the plain values that cross the net seam.
//
// They carry no library types, so handlers, clients and their fakes are written against these
// alone. Header keys are lowercase in both directions (HTTP header names are case-insensitive);
// `content_type` of a response is kept apart from its other headers. Values, no thread-safety
// concerns.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace edgeloop::net {

struct HttpRequest {
  std::string method = "GET";  // upper case: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS
  std::string path = "/";      // decoded path, without the query string
  std::map<std::string, std::string> query;        // decoded; the first value of a repeated key
  std::map<std::string, std::string> headers;      // lowercase keys
  std::map<std::string, std::string> path_params;  // filled by the server's router
  std::string body;
  std::string remote_addr;  // filled by the server
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain";
  std::map<std::string, std::string> headers;  // lowercase keys; content-type lives above
  std::string body;
};

// `body` must already be JSON text.
HttpResponse JsonResponse(int status, std::string body);
HttpResponse TextResponse(int status, std::string body);
// {"error":{"code":"<code>","message":"<message>"}}; the code defaults to
// HttpStatusCodeName(status), e.g. "not_found".
HttpResponse ErrorResponse(int status, std::string_view message);
HttpResponse ErrorResponse(int status, std::string_view message, std::string_view code);

// "not_found", "method_not_allowed", "payload_too_large", ...; "http_<status>" otherwise.
std::string HttpStatusCodeName(int status);

// A JSON string literal (with the quotes) for `text`; bytes >= 0x80 pass through unchanged.
std::string JsonQuote(std::string_view text);

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string PercentEncode(std::string_view text);
// "a=1&b=x%20y" from a query map (keys sorted, so the text is canonical); "" when empty.
std::string EncodeQuery(const std::map<std::string, std::string>& query);

// Lookup helpers that return "" when the key is missing. `name` is matched case-insensitively.
std::string HeaderValue(const HttpRequest& request, std::string_view name);
std::string HeaderValue(const HttpResponse& response, std::string_view name);

}  // namespace edgeloop::net
