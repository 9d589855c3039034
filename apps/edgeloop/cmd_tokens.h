// `edgeloop tokens create | list | revoke`: the server's API tokens, managed on the workspace
// directly (no running server needed; a running server sees the change on its next request).
//
// `create` prints the token once, alone on stdout (so `> alice.token` keeps it), and what it is
// on stderr; `--json` prints {id, role, name, device_id, token} instead. Only the SHA-256 of the
// secret is stored. Every create and revoke is audited as done by "cli".
#pragma once

#include <string>

#include "edgeloop/app_context.h"
#include "server/secret_source.h"

namespace edgeloop::app {

struct TokensCreateFlags {
  std::string role;    // admin, operator or device
  std::string name;    // who or what it is for
  std::string device;  // device tokens: the device id it syncs as
  bool json = false;
};

int RunTokensCreate(const AppContext& context, const TokensCreateFlags& flags,
                    server::SecretSource& secrets);

struct TokensListFlags {
  bool json = false;
};

int RunTokensList(const AppContext& context, const TokensListFlags& flags);

struct TokensRevokeFlags {
  std::string id;  // "tok-3f2a9c0d1e2b"
  bool json = false;
};

int RunTokensRevoke(const AppContext& context, const TokensRevokeFlags& flags);

}  // namespace edgeloop::app
