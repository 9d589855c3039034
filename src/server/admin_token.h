// The first admin token: on a server's first start (no admin token that is not revoked), one is
// made and written to <home>/admin.token with mode 0600, so whoever runs the server can use it
// and nobody else on the machine can read it. The caller prints where it is and how to use it.
//
// Thread-safety: call once at start-up. Errors: IoError when the file cannot be written (the
// token is then not kept either); database errors as in store/database.h.
#pragma once

#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "server/secret_source.h"
#include "store/database.h"

namespace edgeloop::server {

inline constexpr char kAdminTokenFile[] = "admin.token";

struct AdminBootstrap {
  bool created = false;  // false when an admin token already existed
  std::string path;      // <home>/admin.token
  std::string token_id;  // of the new token
};

Result<AdminBootstrap> EnsureAdminToken(store::Database& db, const std::string& home,
                                        SecretSource& secrets, Clock& clock);

// Replaces `path` with `text`, readable by its owner only (mode 0600 from the first byte on:
// a temporary file made with O_EXCL, fsynced, renamed over `path`, directory fsynced).
Status WriteSecretFile(const std::string& path, const std::string& text);

}  // namespace edgeloop::server
