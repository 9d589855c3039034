// FleetStore: the server's record of devices, their twins and the records they sync.
//
// A device (an edge gateway running edgeloop-agent) has an id, a site, tags and the assets it
// serves. Its twin holds the desired state the server wants (with an ETag, the sha256 of its
// canonical JSON) and the state the device last reported, the time of its last sync and how far
// its records are acknowledged. ApplySync implements the sync contract of api/sync.h: in one
// transaction it stores the batch's records once per (device, seq), advances the
// acknowledgement when no hole lies before the batch, and keeps the reported state; the
// transaction commits before the response is built, so a kill -9 of the server at any moment
// loses no acknowledged record (the connection runs synchronous=FULL by default, so a power
// cut loses none either).
//
// Tables are those of module "fleet" (fleet_schema.h) in the workspace database; Open() opens
// its own connection and applies them. Times are explicit UTC milliseconds from the caller.
//
// Thread-safety: thread-safe; one mutex serialises the calls on the connection. Several
// processes may share the database file (SQLite's locking, 5 s busy timeout).
// Errors: InvalidArgument for a bad id, tag, asset, desired state or sync batch (nothing is
// changed); NotFound for an unknown device; AlreadyExists when provisioning an existing id;
// DataLoss when a stored twin no longer parses; database errors as in store/database.h.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/records.h"
#include "api/sync.h"
#include "base/status.h"
#include "rollout/tag_selector.h"
#include "store/database.h"

namespace edgeloop::rollout {

struct NewDevice {
  std::string id;    // fleet_names.h
  std::string site;  // required
  std::map<std::string, std::string> tags;
  std::vector<std::string> assets;  // asset ids, no repeats
};

struct Twin {
  api::DesiredState desired;
  std::string desired_etag;
  int64_t desired_updated_ms = 0;
  bool has_reported = false;  // false until the first sync
  api::ReportedState reported;
  int64_t last_sync_ms = 0;  // server clock; 0 = never synced
  int64_t acked_through = 0;
  int64_t records_received = 0;  // distinct records stored, duplicates not counted
};

struct Device {
  std::string id;
  std::string site;
  std::map<std::string, std::string> tags;
  std::vector<std::string> assets;  // sorted
  int64_t created_ms = 0;
  int64_t updated_ms = 0;  // last change of site, tags, assets or desired state
  Twin twin;

  // The tags plus "id" and "site": what a TagSelector matches.
  std::map<std::string, std::string> Labels() const;
};

// A record as the server keeps it.
struct StoredRecord {
  std::string device;
  int64_t seq = 0;
  api::RecordKind kind = api::RecordKind::kScore;
  int64_t time_ms = 0;      // device clock
  int64_t received_ms = 0;  // server clock
  std::string asset;
  std::string body;  // the record's JSON (api/records.h)
};

inline constexpr int64_t kMaxRecordQueryLimit = 10000;

struct RecordQuery {
  std::string device;  // empty: every device
  std::optional<api::RecordKind> kind;
  int64_t from_ms = INT64_MIN;  // record time (device clock), inclusive
  int64_t to_ms = INT64_MAX;    // exclusive
  int64_t limit = 1000;         // 1 .. kMaxRecordQueryLimit
};

// What a sync changed beyond the response, for auditing and metrics.
struct SyncEffects {
  int64_t records_stored = 0;  // new records
  int64_t duplicates = 0;      // records already held, ignored
  bool first_sync = false;
  bool install_changed = false;  // the reported last_install differs from the one held
  api::InstallReport install;    // the reported last_install
};

class FleetStore {
 public:
  struct Options {
    bool synchronous_full = true;  // fsync every commit (see store::Database::Options)
    int busy_timeout_ms = 5000;
  };

  static Result<std::unique_ptr<FleetStore>> Open(const std::string& db_path,
                                                  const Options& options);
  static Result<std::unique_ptr<FleetStore>> Open(const std::string& db_path) {
    return Open(db_path, Options());
  }

  // Creates the device with the default desired state (keep what runs).
  Result<Device> ProvisionDevice(const NewDevice& device, int64_t now_ms);
  Result<Device> GetDevice(const std::string& id);
  // Devices whose Labels() the selector matches, by id.
  Result<std::vector<Device>> ListDevices(const TagSelector& selector);
  // Replaces the device's tags.
  Result<Device> SetTags(const std::string& id, const std::map<std::string, std::string>& tags,
                         int64_t now_ms);
  // Replaces the desired state; its ETag changes with its content. The caller checks that the
  // bundle exists; this checks the values (digest form, sync period, alert overrides).
  Result<Device> SetDesired(const std::string& id, const api::DesiredState& desired,
                            int64_t now_ms);

  // The sync contract of api/sync.h; `effects` may be null.
  Result<api::SyncResponse> ApplySync(const api::SyncRequest& request, int64_t now_ms,
                                      SyncEffects* effects = nullptr);

  // Stored records in (time_ms, device, seq) order.
  Result<std::vector<StoredRecord>> QueryRecords(const RecordQuery& query);

  // Counts for rollout gates, by server receive time (received_ms >= since_ms).
  Result<int64_t> CountRecords(const std::string& device, api::RecordKind kind, int64_t since_ms);
  Result<std::map<std::string, int64_t>> CountRecordsByDevice(api::RecordKind kind,
                                                              int64_t since_ms);
  // Raised alerts (state "raised") per bundle digest.
  Result<std::map<std::string, int64_t>> CountAlertsByBundle(int64_t since_ms);
  // Devices whose last reported install was about `bundle_digest`, per outcome name.
  Result<std::map<std::string, int64_t>> CountInstallOutcomes(const std::string& bundle_digest);

  // The ETag of a desired state: sha256 hex of its canonical JSON.
  static std::string DesiredEtag(const api::DesiredState& desired);
  // InvalidArgument naming the field when a desired state cannot be sent to a device.
  static Status ValidateDesired(const api::DesiredState& desired);

 private:
  explicit FleetStore(std::unique_ptr<store::Database> db) : db_(std::move(db)) {}

  Result<Device> ReadDevice(const std::string& id);
  Status CheckDeviceExists(const std::string& id);

  std::mutex mu_;
  std::unique_ptr<store::Database> db_;
};

}  // namespace edgeloop::rollout
