// `edgeloop devices provision | list | show | set-desired` and `edgeloop bundle upload`: the
// fleet on a running `edgeloop server`, through its REST API (docs/api.md) with ServerClient.
//
// Every command takes the server and token the ServerClient way (--server, --token-file, else
// $EDGELOOP_SERVER and $EDGELOOP_TOKEN), prints text for people by default and one JSON document
// (the server's own body) with --json. A failure prints "edgeloop: <the server's message>" and
// exits with ExitCodeFor of the Status the HTTP status stands for (404 → 3, 403 → 4, 409 → 7).
//
// `provision` prints the device's sync token once: into --token-out FILE (mode 0600) when given,
// else alone on stdout (so `> gw.token` keeps it) with what it is on stderr. `set-desired`
// starts from the device's current desired state and changes only what its flags name, so the
// alert-policy overrides and the sync period stay unless asked; --allow-older is never kept.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "edgeloop/app_context.h"
#include "edgeloop/server_client.h"

namespace edgeloop::app {

struct DevicesProvisionFlags {
  ServerClientFlags server;
  std::string id;
  std::string site;
  std::vector<std::string> tags;    // "key=value" each
  std::vector<std::string> assets;  // asset ids the device serves
  std::string token_out;            // "" = print the token on stdout
  bool json = false;
};

struct DevicesListFlags {
  ServerClientFlags server;
  std::string selector;  // "" = every device; else e.g. "ring=test,site in (north,south)"
  bool json = false;
};

struct DevicesShowFlags {
  ServerClientFlags server;
  std::string id;
  bool json = false;
};

struct DevicesSetDesiredFlags {
  ServerClientFlags server;
  std::string id;
  std::string bundle;         // the bundle's sha256 digest (64 hex digits)
  bool allow_older = false;   // a rollback ordered by the server
  int64_t sync_period_s = 0;  // 0 = keep the current one
  bool json = false;
};

struct BundleUploadFlags {
  ServerClientFlags server;
  std::string file;  // the .elb
  bool json = false;
};

// "key=value" split at the first '='; InvalidArgument naming `flag` when the key is empty or
// there is no '='.
Result<std::pair<std::string, std::string>> ParseTagFlag(const std::string& text,
                                                         const std::string& flag);

// The client of `flags` with $EDGELOOP_SERVER and $EDGELOOP_TOKEN from the environment.
Result<std::unique_ptr<ServerClient>> ConnectFromEnvironment(const AppContext& context,
                                                             const ServerClientFlags& flags);

// Each runs one command over `client` and returns the process exit code.
int RunDevicesProvision(const AppContext& context, ServerClient& client,
                        const DevicesProvisionFlags& flags);
int RunDevicesList(const AppContext& context, ServerClient& client, const DevicesListFlags& flags);
int RunDevicesShow(const AppContext& context, ServerClient& client, const DevicesShowFlags& flags);
int RunDevicesSetDesired(const AppContext& context, ServerClient& client,
                         const DevicesSetDesiredFlags& flags);
int RunBundleUpload(const AppContext& context, ServerClient& client,
                    const BundleUploadFlags& flags);

}  // namespace edgeloop::app
