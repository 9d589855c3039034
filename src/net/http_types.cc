#include "net/http_types.h"

#include <cstdio>

#include "base/strings.h"

namespace edgeloop::net {

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

HttpResponse TextResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

HttpResponse ErrorResponse(int status, std::string_view message) {
  return ErrorResponse(status, message, HttpStatusCodeName(status));
}

HttpResponse ErrorResponse(int status, std::string_view message, std::string_view code) {
  return JsonResponse(status, "{\"error\":{\"code\":" + JsonQuote(code) +
                                  ",\"message\":" + JsonQuote(message) + "}}");
}

std::string HttpStatusCodeName(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthenticated";
    case 403: return "permission_denied";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 412: return "failed_precondition";
    case 413: return "payload_too_large";
    case 416: return "range_not_satisfiable";
    case 422: return "invalid_argument";
    case 429: return "resource_exhausted";
    case 500: return "internal";
    case 501: return "not_implemented";
    case 503: return "unavailable";
    case 504: return "deadline_exceeded";
    default: return "http_" + std::to_string(status);
  }
}

std::string JsonQuote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    bool unreserved = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                      (u >= '0' && u <= '9') || u == '-' || u == '.' || u == '_' || u == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

std::string EncodeQuery(const std::map<std::string, std::string>& query) {
  std::string out;
  for (const auto& [key, value] : query) {
    if (!out.empty()) out.push_back('&');
    out += PercentEncode(key);
    out.push_back('=');
    out += PercentEncode(value);
  }
  return out;
}

namespace {

std::string Lookup(const std::map<std::string, std::string>& headers, std::string_view name) {
  auto it = headers.find(ToLower(name));
  return it == headers.end() ? std::string() : it->second;
}

}  // namespace

std::string HeaderValue(const HttpRequest& request, std::string_view name) {
  return Lookup(request.headers, name);
}

std::string HeaderValue(const HttpResponse& response, std::string_view name) {
  if (ToLower(name) == "content-type") return response.content_type;
  return Lookup(response.headers, name);
}

}  // namespace edgeloop::net
