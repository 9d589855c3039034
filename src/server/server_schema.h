// The server's own tables in the workspace database, as migrations of module "server":
//
//   tokens     API tokens: public id, SHA-256 of the secret (never the secret), role, name,
//              device id, created/revoked times and who created them
//   audit_log  one row per mutation: seq, time, who (token id, role, name), action, target,
//              detail JSON
//   bundles    bundles the server knows (uploaded or built): digest, name, version, signer,
//              size, canonical manifest JSON, who added them and when
//   events     maintenance events recorded over the API (failure, repair, maintenance,
//              inspection), unique by (time, asset, kind, failure mode) so a retried post adds
//              nothing
//
// ServerDb applies the set when it opens a connection; `edgeloop tokens` applies it too.
#pragma once

#include "store/migrations.h"

namespace edgeloop::server {

store::MigrationSet ServerSchema();

}  // namespace edgeloop::server
