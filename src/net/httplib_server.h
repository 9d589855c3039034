// The HttpServer adapter over cpp-httplib. TCP_NODELAY is on, keep-alive is allowed for many
// requests and the worker pool is sized from the options (the library's defaults serve a few
// hundred requests per second). httplib.h stays inside httplib_server.cc.
#pragma once

#include <memory>

#include "net/http_server.h"

namespace edgeloop::net {

std::unique_ptr<HttpServer> NewHttplibServer(const HttpServerOptions& options = {});

}  // namespace edgeloop::net
