// The HttpClient adapter over cpp-httplib (HTTP, and HTTPS through OpenSSL). One persistent
// keep-alive connection per client; concurrent Send() calls on one client are serialized, so
// give each thread its own client when requests must run in parallel. httplib.h stays inside
// httplib_client.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "net/http_client.h"

namespace edgeloop::net {

// InvalidArgument when `base_url` is not "http://host[:port][/prefix]" or "https://...".
Result<std::unique_ptr<HttpClient>> NewHttplibClient(const std::string& base_url,
                                                     const HttpClientOptions& options = {});

}  // namespace edgeloop::net
