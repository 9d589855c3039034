// HttpClient: the seam through which edgeloop calls HTTP servers (the agent's sync with the
// control plane, the CLI's --server calls, tests against a loopback server).
//
// A client is bound to a base URL ("http://127.0.0.1:8080" or with a path prefix,
// "https://cp.example.com/edgeloop"); request.path is relative to it and request.query is
// appended, encoded. Send() never throws and returns the server's response whatever its
// status (a 404 is a response, not an error). Errors are for the exchange itself:
//   Unavailable — the server cannot be reached, refused the connection, or dropped it;
//   Unavailable with a message starting "deadline exceeded" — no connection or no response
//                 within the configured timeouts (base has no separate deadline code);
//   InvalidArgument — the request cannot be sent (unknown method);
//   Internal — the HTTP library failed in an unexpected way.
// Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "net/http_types.h"

namespace edgeloop::net {

// Options every client adapter takes.
struct HttpClientOptions {
  int64_t connect_timeout_ms = 3000;
  int64_t read_timeout_ms = 10000;
  int64_t write_timeout_ms = 10000;
  std::string bearer_token;  // sent as "Authorization: Bearer <token>" when not empty
  bool keep_alive = true;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

// The timeout flavour of Unavailable described above, and its test.
Status DeadlineExceeded(const std::string& message);
bool IsDeadlineExceeded(const Status& status);

}  // namespace edgeloop::net
