// HttpServer: the seam through which edgeloop serves HTTP (the agent's /healthz, /metrics and
// /v1/score; the server's /api/v1 REST API and agent sync).
//
// Routes are registered before Listen() (see HttpRouter for the pattern syntax and how 404,
// 405 and handler exceptions become JSON errors). Listen() binds and returns the bound port
// (port 0 = an ephemeral port, what tests use) and serves on background threads until Stop()
// or destruction. Handlers run concurrently on up to `threads` threads and must be thread-safe.
// A request body over `max_body_bytes` is refused with 413 and a JSON error before any handler
// runs. A Range request reaches the handler untouched (the `range` header); the handler decides
// whether to answer 206 with its own `content-range`, and its body is sent as given.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "net/http_router.h"
#include "net/http_types.h"

namespace edgeloop::net {

struct HttpServerOptions {
  int64_t max_body_bytes = 16 << 20;
  int threads = 8;                  // worker threads; one keep-alive connection holds one
  int64_t read_timeout_ms = 5000;   // per read of a request
  int64_t write_timeout_ms = 5000;  // per write of a response
  int keep_alive_max_requests = 1000;
  int keep_alive_timeout_s = 2;  // idle keep-alive connections close after this
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;

  // Before Listen() only. Errors as HttpRouter::Add; FailedPrecondition once listening.
  virtual Status Route(std::string_view method, std::string_view pattern, HttpHandler handler) = 0;

  // Binds host:port and starts serving. IoError when the address cannot be bound;
  // FailedPrecondition when already listening.
  virtual Result<int> Listen(const std::string& host, int port) = 0;

  // Stops accepting, finishes requests in flight and joins the threads. Idempotent.
  virtual void Stop() = 0;
};

}  // namespace edgeloop::net
