// Devices, twins and sync over REST (/api/v1/devices...).
//
//   POST /api/v1/devices                 admin   provision {id, site, tags?, assets?}
//                                                -> 201 {"device": ..., "token": "elt_..."}
//   GET  /api/v1/devices?selector=       read    {"devices": [...]}, by id
//   GET  /api/v1/devices/{id}            read    the device with its twin
//   PUT  /api/v1/devices/{id}/tags       admin   {"tags": {...}} replaces the tags -> the device
//   PUT  /api/v1/devices/{id}/desired    admin   api::DesiredState JSON -> the device
//   POST /api/v1/devices/{id}/sync       own device or admin: api::SyncRequest -> SyncResponse
//   GET  /api/v1/devices/{id}/records?kind=&from=&to=&limit=   read   {"records": [...]}
//
// The device token is issued once, when the device is provisioned, and never shown again. A
// desired state may name only a bundle the server holds (409 otherwise); an empty bundle_url
// gets the bundle's download path. A sync whose body names another device than the path is
// refused with 403. Errors go through StatusResponse.
//
// Audit: "device.provision", "device.tags" and "device.desired" for the admin mutations. Sync is
// high-volume and is audited only for the twin changes it causes: "device.install" when the
// device reports a new install outcome. A sync whose audit row cannot be written still answers
// 200 (its records are committed and acknowledged) and the failure is logged.
//
// Thread-safety: the handlers are thread-safe when the context's members are.
#pragma once

#include <functional>
#include <string>

#include "base/clock.h"
#include "base/log.h"
#include "base/status.h"
#include "rollout/fleet_store.h"
#include "server/rest_context.h"

namespace edgeloop::server {

inline constexpr int64_t kDefaultRecordsListed = 100;

struct FleetContext {
  rollout::FleetStore& store;
  AuditLog& audit;
  Clock& clock;
  // True when the server holds the bundle with this sha256 digest.
  std::function<bool(const std::string& digest)> bundle_exists;
  // Makes the device's sync token and returns its full text; empty: provisioning answers
  // without a token.
  std::function<Result<std::string>(const std::string& device_id)> issue_device_token;
  Logger* log = nullptr;  // where a sync's failed audit is reported; may be null
};

// The download path of a bundle, what an empty DesiredState::bundle_url becomes.
std::string BundleDownloadPath(const std::string& digest);

Status AddFleetRoutes(RestRoutes& routes, FleetContext& context);

}  // namespace edgeloop::server
