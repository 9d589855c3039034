// The HttpClient over plain POSIX sockets, with no third-party code: what the edge agent uses to
// reach the control plane, so that it does not load cpp-httplib and OpenSSL.
//
// Plain http:// only. The base URL is "http://host[:port][/prefix]" (port 80 by default; an IPv6
// host in brackets); request.path is appended to the prefix segment by segment percent-encoded,
// and request.query is appended encoded. Each Send() opens its own connection, sends
// "Connection: close" and reads the response to its end, so one client may be used from many
// threads at once and requests run in parallel (options.keep_alive is ignored). Sent with every
// request: Host, the request's headers (Host, Content-Length, Connection and Transfer-Encoding
// excepted), "Authorization: Bearer <bearer_token>" unless the request has its own
// Authorization, Content-Type application/octet-stream for a body without one, and
// Content-Length. The response body is read by Content-Length, chunked transfer coding or until
// the connection closes; interim 1xx responses are skipped; header names come back lowercase,
// with Content-Type in response.content_type ("" when absent).
//
// Errors, as for every HttpClient (see http_client.h):
//   InvalidArgument — an unknown method;
//   Unavailable — the host does not resolve, refuses the connection, drops it, or answers
//                 with something that is not HTTP/1.x;
//   Unavailable "deadline exceeded: ..." — no connection within connect_timeout_ms, or a read
//                 or write of the exchange made no progress for read/write_timeout_ms;
//   ResourceExhausted — the response body is over kMaxResponseBodyBytes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "base/status.h"
#include "net/http_client.h"

namespace edgeloop::net {

inline constexpr size_t kMaxResponseBodyBytes = size_t{256} << 20;

// InvalidArgument when `base_url` is not "http://host[:port][/prefix]"; an https:// URL is
// refused with a message that starts "https is not supported by the edge HTTP client".
Result<std::unique_ptr<HttpClient>> NewPosixHttpClient(const std::string& base_url,
                                                       const HttpClientOptions& options = {});

}  // namespace edgeloop::net
