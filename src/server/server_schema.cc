#include "server/server_schema.h"

namespace edgeloop::server {
namespace {

// Released migrations are never edited; a change to the schema is a new entry below.
constexpr char kCreateTokens[] = R"sql(
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  secret_sha256 TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'device')),
  name TEXT NOT NULL,
  device_id TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  revoked_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_by_role ON tokens (role, revoked_ms);
)sql";

constexpr char kCreateAudit[] = R"sql(
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  token_id TEXT NOT NULL,
  role TEXT NOT NULL,
  name TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL
);
)sql";

constexpr char kCreateBundles[] = R"sql(
CREATE TABLE bundles (
  digest TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  model_kind TEXT NOT NULL,
  signer_key_id TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  manifest_json TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('upload', 'build')),
  added_ms INTEGER NOT NULL,
  added_by TEXT NOT NULL
);
CREATE INDEX bundles_by_model ON bundles (name, version);
)sql";

constexpr char kCreateEvents[] = R"sql(
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  asset TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('failure', 'repair', 'maintenance', 'inspection')),
  failure_mode TEXT NOT NULL,
  recorded_ms INTEGER NOT NULL,
  recorded_by TEXT NOT NULL,
  UNIQUE (time_ms, asset, kind, failure_mode)
);
CREATE INDEX events_by_asset ON events (asset, time_ms);
)sql";

}  // namespace

store::MigrationSet ServerSchema() {
  return store::MigrationSet{"server",
                             {{1, "create tokens", kCreateTokens},
                              {2, "create audit_log", kCreateAudit},
                              {3, "create bundles", kCreateBundles},
                              {4, "create events", kCreateEvents}}};
}

}  // namespace edgeloop::server
