// The HttpServer over plain POSIX sockets, with no third-party code: what the edge agent uses,
// so that it does not load cpp-httplib and OpenSSL (about 4 MiB of resident memory).
//
// It serves HTTP/1.1 and HTTP/1.0 with the behaviour of NewHttplibServer() (see http_server.h
// and http_router.h): one accept thread feeds accepted connections to `threads` worker threads;
// a keep-alive connection holds its worker until it closes, goes idle for keep_alive_timeout_s,
// reaches keep_alive_max_requests or the server stops (a worker closes it early when other
// connections are waiting for one). TCP_NODELAY is on and SO_REUSEPORT is off, so a busy port
// fails Listen().
//
// Requests: Content-Length and chunked bodies (Expect: 100-continue is answered); other
// transfer codings are refused with 501. The request head (request line and header fields) must
// arrive within read_timeout_ms and fit in 64 KiB, otherwise the connection closes (431, or 414
// when the request line alone is too long); each later read or write waits at most
// read_timeout_ms / write_timeout_ms. A body over max_body_bytes gets 413 before it is read. A
// malformed request gets 400 (505 for another HTTP version); every error has the JSON body of
// ErrorResponse() and closes the connection. The path is percent-decoded, the query decoded into
// request.query ('+' is a space), header names are lowercased (repeats joined with ", ") and
// remote_addr is the peer's IP address. A HEAD response carries the GET headers and no body.
//
// Stop() closes the listening socket, lets requests in flight finish (a request counts as in
// flight once its first bytes arrived), closes idle connections and joins the threads; it is
// idempotent, runs on destruction, and must not be called from a handler. Handlers run on the
// worker threads and must be thread-safe. Writes never raise SIGPIPE.
#pragma once

#include <memory>

#include "net/http_server.h"

namespace edgeloop::net {

std::unique_ptr<HttpServer> NewPosixHttpServer(const HttpServerOptions& options = {});

}  // namespace edgeloop::net
