#include "rollout/fleet_schema.h"

namespace edgeloop::rollout {
namespace {

// Version 1. Released migrations are never edited; changes are new entries below.
//
// A device and its twin are one row: they are created together and the twin is never shared.
// The desired and reported states are kept as the wire's JSON (api/sync.h) so that a field
// added to the protocol needs no migration; the last install outcome is also kept in columns
// because rollout gates count devices by it.
constexpr char kCreateDevices[] = R"sql(
CREATE TABLE fleet_devices (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  desired_json TEXT NOT NULL,
  desired_etag TEXT NOT NULL,
  desired_updated_ms INTEGER NOT NULL,
  reported_json TEXT NOT NULL DEFAULT '',
  last_sync_ms INTEGER NOT NULL DEFAULT 0,
  acked_through INTEGER NOT NULL DEFAULT 0 CHECK (acked_through >= 0),
  records_received INTEGER NOT NULL DEFAULT 0,
  install_bundle TEXT NOT NULL DEFAULT '',
  install_outcome TEXT NOT NULL DEFAULT 'none',
  install_time_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fleet_devices_by_install ON fleet_devices (install_bundle, install_outcome);
CREATE TABLE fleet_device_tags (
  device TEXT NOT NULL REFERENCES fleet_devices (id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (device, key)
) WITHOUT ROWID;
CREATE TABLE fleet_device_assets (
  device TEXT NOT NULL REFERENCES fleet_devices (id),
  asset TEXT NOT NULL,
  PRIMARY KEY (device, asset)
) WITHOUT ROWID;
)sql";

// Records are kept once per (device, seq): the sync protocol's duplicates are ignored on insert.
// time_ms is the device's clock (what the record is about), received_ms the server's (when it
// arrived; gates count by it because device clocks may be off).
constexpr char kCreateRecords[] = R"sql(
CREATE TABLE fleet_records (
  device TEXT NOT NULL REFERENCES fleet_devices (id),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  kind TEXT NOT NULL CHECK (kind IN ('features', 'score', 'health', 'alert')),
  time_ms INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  asset TEXT NOT NULL,
  bundle_digest TEXT NOT NULL,
  alert_state TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (device, seq)
);
CREATE INDEX fleet_records_by_time ON fleet_records (time_ms);
CREATE INDEX fleet_records_by_device_kind ON fleet_records (device, kind, received_ms);
CREATE INDEX fleet_records_by_kind ON fleet_records (kind, received_ms);
CREATE INDEX fleet_alerts_by_bundle ON fleet_records (bundle_digest, received_ms)
  WHERE kind = 'alert';
)sql";

}  // namespace

store::MigrationSet FleetSchema() {
  return store::MigrationSet{"fleet",
                             {{1, "create devices and twins", kCreateDevices},
                              {2, "create device records", kCreateRecords}}};
}

}  // namespace edgeloop::rollout
