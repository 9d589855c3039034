#include "rollout/internal/device_rows.h"

#include "store/statement.h"

namespace edgeloop::rollout::internal {
namespace {

constexpr char kDeviceColumns[] =
    "id, site, created_ms, updated_ms, desired_json, desired_etag, desired_updated_ms, "
    "reported_json, last_sync_ms, acked_through, records_received";

Status ReadTwin(const store::Statement& st, Device* device) {
  const std::string who = "device '" + device->id + "'";
  Twin& twin = device->twin;
  Result<api::DesiredState> desired = api::ParseDesiredState(st.ColumnText(4));
  if (!desired.ok()) {
    return DataLoss(who + ": stored desired state does not parse: " + desired.status().message());
  }
  twin.desired = std::move(desired).value();
  twin.desired_etag = st.ColumnText(5);
  twin.desired_updated_ms = st.ColumnInt64(6);
  const std::string reported_json = st.ColumnText(7);
  twin.has_reported = !reported_json.empty();
  if (twin.has_reported) {
    Result<api::ReportedState> reported = api::ParseReportedState(reported_json);
    if (!reported.ok()) {
      return DataLoss(who + ": stored reported state does not parse: " +
                      reported.status().message());
    }
    twin.reported = std::move(reported).value();
  }
  twin.last_sync_ms = st.ColumnInt64(8);
  twin.acked_through = st.ColumnInt64(9);
  twin.records_received = st.ColumnInt64(10);
  return Status::Ok();
}

// Runs `sql` (device id, then one text column, optionally a second) and hands each row over.
template <typename Fn>
Status ForEachChildRow(store::Database& db, const std::string& sql, const std::string& only_id,
                       const std::string& purpose, Fn fn) {
  EL_ASSIGN_OR_RETURN(store::Statement st, db.Prepare(sql, purpose));
  if (!only_id.empty()) st.Bind(1, only_id);
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
    if (!has_row) return Status::Ok();
    fn(st);
  }
}

}  // namespace

Result<std::vector<Device>> ReadDevices(store::Database& db, const std::string& only_id) {
  const std::string where = only_id.empty() ? "" : " WHERE id = ?1";
  const std::string child_where = only_id.empty() ? "" : " WHERE device = ?1";
  const std::string purpose = only_id.empty() ? "list devices" : "read device '" + only_id + "'";

  std::vector<Device> devices;
  std::map<std::string, size_t> index;
  {
    EL_ASSIGN_OR_RETURN(store::Statement st,
                        db.Prepare(std::string("SELECT ") + kDeviceColumns +
                                       " FROM fleet_devices" + where + " ORDER BY id",
                                   purpose));
    if (!only_id.empty()) st.Bind(1, only_id);
    while (true) {
      EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
      if (!has_row) break;
      Device device;
      device.id = st.ColumnText(0);
      device.site = st.ColumnText(1);
      device.created_ms = st.ColumnInt64(2);
      device.updated_ms = st.ColumnInt64(3);
      EL_RETURN_IF_ERROR(ReadTwin(st, &device));
      index[device.id] = devices.size();
      devices.push_back(std::move(device));
    }
  }
  if (devices.empty()) return devices;
  EL_RETURN_IF_ERROR(ForEachChildRow(
      db, "SELECT device, key, value FROM fleet_device_tags" + child_where, only_id,
      purpose + " tags", [&](const store::Statement& st) {
        auto it = index.find(st.ColumnText(0));
        if (it != index.end()) devices[it->second].tags[st.ColumnText(1)] = st.ColumnText(2);
      }));
  EL_RETURN_IF_ERROR(ForEachChildRow(
      db, "SELECT device, asset FROM fleet_device_assets" + child_where + " ORDER BY device, asset",
      only_id, purpose + " assets", [&](const store::Statement& st) {
        auto it = index.find(st.ColumnText(0));
        if (it != index.end()) devices[it->second].assets.push_back(st.ColumnText(1));
      }));
  return devices;
}

Status InsertDevice(store::Database& db, const NewDevice& device, const std::string& desired_json,
                    const std::string& desired_etag, int64_t now_ms) {
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db.Prepare("INSERT INTO fleet_devices (id, site, created_ms, updated_ms, desired_json, "
                 "desired_etag, desired_updated_ms) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?3)",
                 "provision device '" + device.id + "'"));
  st.Bind(1, device.id).Bind(2, device.site).Bind(3, now_ms).Bind(4, desired_json);
  st.Bind(5, desired_etag);
  return st.Run();
}

Status ReplaceTags(store::Database& db, const std::string& id,
                   const std::map<std::string, std::string>& tags) {
  const std::string purpose = "set tags of device '" + id + "'";
  EL_ASSIGN_OR_RETURN(store::Statement clear,
                      db.Prepare("DELETE FROM fleet_device_tags WHERE device = ?1", purpose));
  clear.Bind(1, id);
  EL_RETURN_IF_ERROR(clear.Run());
  EL_ASSIGN_OR_RETURN(
      store::Statement insert,
      db.Prepare("INSERT INTO fleet_device_tags (device, key, value) VALUES (?1, ?2, ?3)",
                 purpose));
  for (const auto& [key, value] : tags) {
    EL_RETURN_IF_ERROR(insert.Reset());
    insert.Bind(1, id).Bind(2, key).Bind(3, value);
    EL_RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

Status ReplaceAssets(store::Database& db, const std::string& id,
                     const std::vector<std::string>& assets) {
  const std::string purpose = "set assets of device '" + id + "'";
  EL_ASSIGN_OR_RETURN(store::Statement clear,
                      db.Prepare("DELETE FROM fleet_device_assets WHERE device = ?1", purpose));
  clear.Bind(1, id);
  EL_RETURN_IF_ERROR(clear.Run());
  EL_ASSIGN_OR_RETURN(
      store::Statement insert,
      db.Prepare("INSERT INTO fleet_device_assets (device, asset) VALUES (?1, ?2)", purpose));
  for (const std::string& asset : assets) {
    EL_RETURN_IF_ERROR(insert.Reset());
    insert.Bind(1, id).Bind(2, asset);
    EL_RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

Status TouchDevice(store::Database& db, const std::string& id, int64_t now_ms) {
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db.Prepare("UPDATE fleet_devices SET updated_ms = ?2 WHERE id = ?1",
                 "update device '" + id + "'"));
  st.Bind(1, id).Bind(2, now_ms);
  return st.Run();
}

}  // namespace edgeloop::rollout::internal
