// `edgeloop server`: the control plane over HTTP (server/control_plane.h) until SIGINT or
// SIGTERM, which stop it cleanly (requests in flight finish).
//
// On the first start (no admin token in the workspace) it writes <home>/admin.token (mode 0600)
// and says where it is and how to use it. Then it prints
//   edgeloop server listening on http://HOST:PORT (home HOME)
// and flushes, so scripts and tests can read the bound port (--listen HOST:0 picks a free one).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "edgeloop/app_context.h"
#include "server/secret_source.h"

namespace edgeloop::app {

struct ServerFlags {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT
  std::vector<std::string> trust;         // public key files: bundles accepted on upload
  std::string key;                        // secret key file: bundles built by the server
  int64_t max_body_mb = 16;               // every route but bundle upload
  int64_t max_bundle_mb = 64;             // POST /api/v1/bundles
  int threads = 8;
};

struct ServerSeams {
  server::SecretSource* secrets = nullptr;
  // Called once the server listens, with the bound port; the server stops when it returns.
  std::function<void(int port)> wait_for_stop;
};

// "HOST:PORT" (PORT 0..65535); InvalidArgument naming the flag otherwise.
Status ParseListenAddress(std::string_view text, std::string* host, int* port);

int RunServer(const AppContext& context, const ServerFlags& flags, const ServerSeams& seams);

// RunServer with the OS's CSPRNG, stopped by SIGINT or SIGTERM (blocked in every thread and
// waited for with sigwait, so no handler runs in a signal context).
int RunServerUntilSignal(const AppContext& context, const ServerFlags& flags);

}  // namespace edgeloop::app
