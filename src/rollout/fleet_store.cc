#include "rollout/fleet_store.h"

#include <algorithm>
#include <set>

#include "base/sha256.h"
#include "rollout/fleet_names.h"
#include "rollout/fleet_schema.h"
#include "rollout/internal/device_rows.h"
#include "rollout/internal/record_facts.h"
#include "store/migrations.h"
#include "store/statement.h"
#include "store/transaction.h"

namespace edgeloop::rollout {
namespace {

std::string Quoted(const std::string& id) { return "device '" + id + "'"; }

Status ValidateTags(const std::map<std::string, std::string>& tags) {
  for (const auto& [key, value] : tags) {
    EL_RETURN_IF_ERROR(ValidateOwnTagKey(key));
    EL_RETURN_IF_ERROR(ValidateTagValue(key, value));
  }
  return Status::Ok();
}

Status ValidateNewDevice(const NewDevice& device) {
  EL_RETURN_IF_ERROR(ValidateDeviceId(device.id));
  const std::string who = "new " + Quoted(device.id);
  Status site = ValidateSite(device.site);
  if (!site.ok()) return site.WithContext(who);
  Status tags = ValidateTags(device.tags);
  if (!tags.ok()) return tags.WithContext(who);
  std::set<std::string> seen;
  for (const std::string& asset : device.assets) {
    Status valid = ValidateAssetId(asset);
    if (!valid.ok()) return valid.WithContext(who);
    if (!seen.insert(asset).second) {
      return InvalidArgument(who + ": asset '" + asset + "' is listed twice");
    }
  }
  return Status::Ok();
}

// The facts of each record of a batch, read before the transaction so that a malformed body
// changes nothing.
Result<std::vector<internal::RecordFacts>> ReadBatchFacts(const api::SyncBatch& batch) {
  std::vector<internal::RecordFacts> facts;
  facts.reserve(batch.records.size());
  for (const api::SyncRecord& record : batch.records) {
    EL_ASSIGN_OR_RETURN(internal::RecordFacts f, internal::ReadRecordFacts(record));
    facts.push_back(std::move(f));
  }
  return facts;
}

struct TwinSyncRow {
  int64_t acked_through = 0;
  int64_t last_sync_ms = 0;
  std::string desired_json;
  std::string desired_etag;
  std::string install_bundle;
  std::string install_outcome;
  int64_t install_time_ms = 0;
};

Result<TwinSyncRow> ReadTwinSyncRow(store::Database& db, const std::string& id) {
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db.Prepare("SELECT acked_through, last_sync_ms, desired_json, desired_etag, install_bundle, "
                 "install_outcome, install_time_ms FROM fleet_devices WHERE id = ?1",
                 "read twin of " + Quoted(id)));
  st.Bind(1, id);
  EL_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound(Quoted(id) + " is not provisioned");
  TwinSyncRow row;
  row.acked_through = st.ColumnInt64(0);
  row.last_sync_ms = st.ColumnInt64(1);
  row.desired_json = st.ColumnText(2);
  row.desired_etag = st.ColumnText(3);
  row.install_bundle = st.ColumnText(4);
  row.install_outcome = st.ColumnText(5);
  row.install_time_ms = st.ColumnInt64(6);
  return row;
}

// Inserts the records above the acknowledgement; returns how many were new.
Result<int64_t> InsertRecords(store::Database& db, const api::SyncRequest& request,
                              const std::vector<internal::RecordFacts>& facts,
                              int64_t acked_through, int64_t now_ms) {
  const std::string purpose = "store records of " + Quoted(request.device_id);
  EL_ASSIGN_OR_RETURN(
      store::Statement insert,
      db.Prepare("INSERT OR IGNORE INTO fleet_records (device, seq, kind, time_ms, received_ms, "
                 "asset, bundle_digest, alert_state, body) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                 purpose));
  int64_t stored = 0;
  for (size_t i = 0; i < request.batch.records.size(); ++i) {
    const api::SyncRecord& record = request.batch.records[i];
    if (record.seq <= acked_through) continue;  // acknowledged before: a duplicate
    EL_RETURN_IF_ERROR(insert.Reset());
    insert.Bind(1, request.device_id).Bind(2, record.seq);
    insert.Bind(3, api::RecordKindName(record.kind)).Bind(4, record.time_ms).Bind(5, now_ms);
    insert.Bind(6, facts[i].asset).Bind(7, facts[i].bundle_digest).Bind(8, facts[i].alert_state);
    insert.Bind(9, record.body);
    EL_RETURN_IF_ERROR(insert.Run());
    stored += db.Changes();
  }
  return stored;
}

Status UpdateTwinAfterSync(store::Database& db, const api::SyncRequest& request,
                           const std::string& reported_json, int64_t acked_through,
                           int64_t stored, int64_t now_ms) {
  const api::InstallReport& install = request.reported.last_install;
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db.Prepare("UPDATE fleet_devices SET reported_json = ?2, last_sync_ms = ?3, "
                 "acked_through = ?4, records_received = records_received + ?5, "
                 "install_bundle = ?6, install_outcome = ?7, install_time_ms = ?8 WHERE id = ?1",
                 "update twin of " + Quoted(request.device_id)));
  st.Bind(1, request.device_id).Bind(2, reported_json).Bind(3, now_ms);
  st.Bind(4, acked_through).Bind(5, stored).Bind(6, install.bundle_digest);
  st.Bind(7, api::InstallOutcomeName(install.outcome)).Bind(8, install.time_ms);
  return st.Run();
}

Result<std::map<std::string, int64_t>> CountGrouped(store::Database& db, const std::string& sql,
                                                    const std::string& purpose,
                                                    const std::vector<std::string>& text_args,
                                                    std::optional<int64_t> int_arg) {
  EL_ASSIGN_OR_RETURN(store::Statement st, db.Prepare(sql, purpose));
  int index = 1;
  for (const std::string& arg : text_args) st.Bind(index++, arg);
  if (int_arg.has_value()) st.Bind(index, *int_arg);
  std::map<std::string, int64_t> counts;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
    if (!has_row) return counts;
    counts[st.ColumnText(0)] = st.ColumnInt64(1);
  }
}

}  // namespace

std::map<std::string, std::string> Device::Labels() const {
  std::map<std::string, std::string> labels = tags;
  labels["id"] = id;
  labels["site"] = site;
  return labels;
}

Result<std::unique_ptr<FleetStore>> FleetStore::Open(const std::string& db_path,
                                                     const Options& options) {
  store::Database::Options db_options;
  db_options.synchronous_full = options.synchronous_full;
  db_options.busy_timeout_ms = options.busy_timeout_ms;
  EL_ASSIGN_OR_RETURN(std::unique_ptr<store::Database> db,
                      store::Database::Open(db_path, db_options));
  EL_RETURN_IF_ERROR(store::ApplyMigrations(*db, FleetSchema()));
  return std::unique_ptr<FleetStore>(new FleetStore(std::move(db)));
}

std::string FleetStore::DesiredEtag(const api::DesiredState& desired) {
  return Sha256Hex(api::ToJson(desired));
}

Status FleetStore::ValidateDesired(const api::DesiredState& desired) {
  // Exactly what a device will accept: the state must read back from its own wire JSON.
  Result<api::DesiredState> wire = api::ParseDesiredState(api::ToJson(desired));
  if (!wire.ok()) return wire.status();
  if (desired.bundle_digest.empty() && desired.allow_older) {
    return InvalidArgument("desired state: allow_older: needs a bundle_digest to roll back to");
  }
  return Status::Ok();
}

Result<Device> FleetStore::ReadDevice(const std::string& id) {
  EL_ASSIGN_OR_RETURN(std::vector<Device> devices, internal::ReadDevices(*db_, id));
  if (devices.empty()) return NotFound(Quoted(id) + " is not provisioned");
  return std::move(devices.front());
}

Status FleetStore::CheckDeviceExists(const std::string& id) {
  EL_ASSIGN_OR_RETURN(store::Statement st, db_->Prepare("SELECT 1 FROM fleet_devices WHERE id = ?1",
                                                        "look up " + Quoted(id)));
  st.Bind(1, id);
  EL_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound(Quoted(id) + " is not provisioned");
  return Status::Ok();
}

Result<Device> FleetStore::ProvisionDevice(const NewDevice& device, int64_t now_ms) {
  EL_RETURN_IF_ERROR(ValidateNewDevice(device));
  const api::DesiredState desired;
  std::vector<std::string> assets = device.assets;
  std::sort(assets.begin(), assets.end());

  std::lock_guard<std::mutex> lock(mu_);
  EL_ASSIGN_OR_RETURN(store::Transaction tx,
                      store::Transaction::Begin(*db_, "provision " + Quoted(device.id)));
  if (CheckDeviceExists(device.id).ok()) {
    return AlreadyExists(Quoted(device.id) + " is already provisioned");
  }
  EL_RETURN_IF_ERROR(internal::InsertDevice(*db_, device, api::ToJson(desired),
                                            DesiredEtag(desired), now_ms));
  EL_RETURN_IF_ERROR(internal::ReplaceTags(*db_, device.id, device.tags));
  EL_RETURN_IF_ERROR(internal::ReplaceAssets(*db_, device.id, assets));
  EL_RETURN_IF_ERROR(tx.Commit());
  return ReadDevice(device.id);
}

Result<Device> FleetStore::GetDevice(const std::string& id) {
  EL_RETURN_IF_ERROR(ValidateDeviceId(id));
  std::lock_guard<std::mutex> lock(mu_);
  return ReadDevice(id);
}

Result<std::vector<Device>> FleetStore::ListDevices(const TagSelector& selector) {
  std::vector<Device> devices;
  {
    std::lock_guard<std::mutex> lock(mu_);
    EL_ASSIGN_OR_RETURN(devices, internal::ReadDevices(*db_, ""));
  }
  std::erase_if(devices, [&](const Device& d) { return !selector.Matches(d.Labels()); });
  return devices;
}

Result<Device> FleetStore::SetTags(const std::string& id,
                                   const std::map<std::string, std::string>& tags,
                                   int64_t now_ms) {
  EL_RETURN_IF_ERROR(ValidateDeviceId(id));
  Status valid = ValidateTags(tags);
  if (!valid.ok()) return valid.WithContext("tags of " + Quoted(id));
  std::lock_guard<std::mutex> lock(mu_);
  EL_ASSIGN_OR_RETURN(store::Transaction tx,
                      store::Transaction::Begin(*db_, "set tags of " + Quoted(id)));
  EL_RETURN_IF_ERROR(CheckDeviceExists(id));
  EL_RETURN_IF_ERROR(internal::ReplaceTags(*db_, id, tags));
  EL_RETURN_IF_ERROR(internal::TouchDevice(*db_, id, now_ms));
  EL_RETURN_IF_ERROR(tx.Commit());
  return ReadDevice(id);
}

Result<Device> FleetStore::SetDesired(const std::string& id, const api::DesiredState& desired,
                                      int64_t now_ms) {
  EL_RETURN_IF_ERROR(ValidateDeviceId(id));
  Status valid = ValidateDesired(desired);
  if (!valid.ok()) return valid.WithContext(Quoted(id));
  std::lock_guard<std::mutex> lock(mu_);
  const std::string purpose = "set desired state of " + Quoted(id);
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_, purpose));
  EL_RETURN_IF_ERROR(CheckDeviceExists(id));
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_->Prepare("UPDATE fleet_devices SET desired_json = ?2, desired_etag = ?3, "
                                   "desired_updated_ms = ?4, updated_ms = ?4 WHERE id = ?1",
                                   purpose));
  st.Bind(1, id).Bind(2, api::ToJson(desired)).Bind(3, DesiredEtag(desired)).Bind(4, now_ms);
  EL_RETURN_IF_ERROR(st.Run());
  EL_RETURN_IF_ERROR(tx.Commit());
  return ReadDevice(id);
}

Result<api::SyncResponse> FleetStore::ApplySync(const api::SyncRequest& request, int64_t now_ms,
                                                SyncEffects* effects) {
  EL_RETURN_IF_ERROR(ValidateDeviceId(request.device_id));
  const std::string who = "sync of " + Quoted(request.device_id);
  Status batch_ok = api::ValidateBatch(request.batch);
  if (!batch_ok.ok()) return batch_ok.WithContext(who);
  // The reported state is kept as its wire JSON; it must read back.
  const std::string reported_json = api::ToJson(request.reported);
  Result<api::ReportedState> reported = api::ParseReportedState(reported_json);
  if (!reported.ok()) return reported.status().WithContext(who);
  Result<std::vector<internal::RecordFacts>> facts = ReadBatchFacts(request.batch);
  if (!facts.ok()) return facts.status().WithContext(who);

  SyncEffects local_effects;
  SyncEffects& fx = effects != nullptr ? *effects : local_effects;
  fx = SyncEffects();
  TwinSyncRow twin;
  int64_t acked_through = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_, who));
    EL_ASSIGN_OR_RETURN(twin, ReadTwinSyncRow(*db_, request.device_id));
    EL_ASSIGN_OR_RETURN(fx.records_stored,
                        InsertRecords(*db_, request, *facts, twin.acked_through, now_ms));
    // The contract of api/sync.h: the batch covers (after_seq, through_seq] including the gaps
    // the device's quota left, so it extends the acknowledgement only when it starts at or
    // below it; a batch after a hole is stored but the agent must resend from the hole.
    acked_through = twin.acked_through;
    if (request.batch.after_seq <= acked_through) {
      acked_through = std::max(acked_through, request.batch.through_seq);
    }
    EL_RETURN_IF_ERROR(UpdateTwinAfterSync(*db_, request, reported_json, acked_through,
                                           fx.records_stored, now_ms));
    EL_RETURN_IF_ERROR(tx.Commit());
  }

  const api::InstallReport& install = request.reported.last_install;
  fx.duplicates = static_cast<int64_t>(request.batch.records.size()) - fx.records_stored;
  fx.first_sync = twin.last_sync_ms == 0;
  fx.install = install;
  fx.install_changed = install.bundle_digest != twin.install_bundle ||
                       api::InstallOutcomeName(install.outcome) != twin.install_outcome ||
                       install.time_ms != twin.install_time_ms;

  api::SyncResponse response;
  response.acked_through = acked_through;
  response.desired_etag = twin.desired_etag;
  response.has_desired = request.desired_etag != twin.desired_etag;
  if (response.has_desired) {
    Result<api::DesiredState> desired = api::ParseDesiredState(twin.desired_json);
    if (!desired.ok()) {
      return DataLoss(Quoted(request.device_id) + ": stored desired state does not parse: " +
                      desired.status().message());
    }
    response.desired = std::move(desired).value();
  }
  return response;
}

Result<std::vector<StoredRecord>> FleetStore::QueryRecords(const RecordQuery& query) {
  if (!query.device.empty()) EL_RETURN_IF_ERROR(ValidateDeviceId(query.device));
  if (query.limit < 1 || query.limit > kMaxRecordQueryLimit) {
    return InvalidArgument("record query: limit " + std::to_string(query.limit) +
                           " is outside 1.." + std::to_string(kMaxRecordQueryLimit));
  }
  if (query.from_ms > query.to_ms) {
    return InvalidArgument("record query: from " + std::to_string(query.from_ms) +
                           " is after to " + std::to_string(query.to_ms));
  }
  std::string sql =
      "SELECT device, seq, kind, time_ms, received_ms, asset, body FROM fleet_records "
      "WHERE time_ms >= ?1 AND time_ms < ?2";
  if (!query.device.empty()) sql += " AND device = ?4";
  if (query.kind.has_value()) sql += " AND kind = ?5";
  sql += " ORDER BY time_ms, device, seq LIMIT ?3";

  std::lock_guard<std::mutex> lock(mu_);
  if (!query.device.empty()) EL_RETURN_IF_ERROR(CheckDeviceExists(query.device));
  EL_ASSIGN_OR_RETURN(store::Statement st, db_->Prepare(sql, "query device records"));
  st.Bind(1, query.from_ms).Bind(2, query.to_ms).Bind(3, query.limit);
  if (!query.device.empty()) st.Bind(4, query.device);
  if (query.kind.has_value()) st.Bind(5, api::RecordKindName(*query.kind));
  std::vector<StoredRecord> records;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
    if (!has_row) return records;
    StoredRecord record;
    record.device = st.ColumnText(0);
    record.seq = st.ColumnInt64(1);
    const std::string kind = st.ColumnText(2);
    if (!api::ParseRecordKind(kind, &record.kind)) {
      return DataLoss("record " + std::to_string(record.seq) + " of " + Quoted(record.device) +
                      ": stored kind '" + kind + "' is not a record kind");
    }
    record.time_ms = st.ColumnInt64(3);
    record.received_ms = st.ColumnInt64(4);
    record.asset = st.ColumnText(5);
    record.body = st.ColumnText(6);
    records.push_back(std::move(record));
  }
}

Result<int64_t> FleetStore::CountRecords(const std::string& device, api::RecordKind kind,
                                         int64_t since_ms) {
  EL_RETURN_IF_ERROR(ValidateDeviceId(device));
  std::lock_guard<std::mutex> lock(mu_);
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_->Prepare("SELECT count(*) FROM fleet_records "
                   "WHERE device = ?1 AND kind = ?2 AND received_ms >= ?3",
                   "count records of " + Quoted(device)));
  st.Bind(1, device).Bind(2, api::RecordKindName(kind)).Bind(3, since_ms);
  EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
  return has_row ? st.ColumnInt64(0) : 0;
}

Result<std::map<std::string, int64_t>> FleetStore::CountRecordsByDevice(api::RecordKind kind,
                                                                         int64_t since_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return CountGrouped(*db_,
                      "SELECT device, count(*) FROM fleet_records "
                      "WHERE kind = ?1 AND received_ms >= ?2 GROUP BY device",
                      "count records by device", {std::string(api::RecordKindName(kind))},
                      since_ms);
}

Result<std::map<std::string, int64_t>> FleetStore::CountAlertsByBundle(int64_t since_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return CountGrouped(*db_,
                      "SELECT bundle_digest, count(*) FROM fleet_records WHERE kind = 'alert' "
                      "AND alert_state = 'raised' AND received_ms >= ?1 GROUP BY bundle_digest",
                      "count alerts by bundle", {}, since_ms);
}

Result<std::map<std::string, int64_t>> FleetStore::CountInstallOutcomes(
    const std::string& bundle_digest) {
  std::lock_guard<std::mutex> lock(mu_);
  return CountGrouped(*db_,
                      "SELECT install_outcome, count(*) FROM fleet_devices "
                      "WHERE install_bundle = ?1 GROUP BY install_outcome",
                      "count install outcomes", {bundle_digest}, std::nullopt);
}

}  // namespace edgeloop::rollout
