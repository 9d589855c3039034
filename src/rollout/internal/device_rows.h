// Reading and writing the rows of fleet_devices, fleet_device_tags and fleet_device_assets.
// Used by FleetStore under its mutex (and inside its transactions); callers validate first.
// Errors: database errors; DataLoss when a stored twin no longer parses.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "rollout/fleet_store.h"
#include "store/database.h"

namespace edgeloop::rollout::internal {

// Every device (only_id empty) or the one with id `only_id` (empty result when missing), by id.
Result<std::vector<Device>> ReadDevices(store::Database& db, const std::string& only_id);

Status InsertDevice(store::Database& db, const NewDevice& device, const std::string& desired_json,
                    const std::string& desired_etag, int64_t now_ms);
Status ReplaceTags(store::Database& db, const std::string& id,
                   const std::map<std::string, std::string>& tags);
Status ReplaceAssets(store::Database& db, const std::string& id,
                     const std::vector<std::string>& assets);
Status TouchDevice(store::Database& db, const std::string& id, int64_t now_ms);

}  // namespace edgeloop::rollout::internal
