#include "server/fleet_routes.h"

#include <nlohmann/json.hpp>

#include "api/json_fields.h"
#include "api/sync.h"
#include "base/time_format.h"
#include "rollout/fleet_names.h"
#include "rollout/tag_selector.h"
#include "server/rest_json.h"

namespace edgeloop::server {
namespace {

using nlohmann::json;

// Our own wire JSON (api/sync.h) embedded as an object rather than as a string.
json Embedded(const std::string& text) {
  json node = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return node.is_discarded() ? json(nullptr) : node;
}

json TimeOrNull(int64_t millis) {
  return millis == 0 ? json(nullptr) : json(FormatTimestamp(millis));
}

json TwinJson(const rollout::Twin& twin) {
  return json{{"desired", Embedded(api::ToJson(twin.desired))},
              {"desired_etag", twin.desired_etag},
              {"desired_updated_ms", twin.desired_updated_ms},
              {"reported", twin.has_reported ? Embedded(api::ToJson(twin.reported)) : json(nullptr)},
              {"last_sync_ms", twin.last_sync_ms},
              {"last_sync", TimeOrNull(twin.last_sync_ms)},
              {"acked_through", twin.acked_through},
              {"records_received", twin.records_received}};
}

json DeviceJson(const rollout::Device& device) {
  return json{{"id", device.id},
              {"site", device.site},
              {"tags", device.tags},
              {"assets", device.assets},
              {"created_ms", device.created_ms},
              {"created", FormatTimestamp(device.created_ms)},
              {"updated_ms", device.updated_ms},
              {"twin", TwinJson(device.twin)}};
}

json RecordJson(const rollout::StoredRecord& record) {
  return json{{"device", record.device},
              {"seq", record.seq},
              {"kind", std::string(api::RecordKindName(record.kind))},
              {"time_ms", record.time_ms},
              {"time", FormatTimestamp(record.time_ms)},
              {"received_ms", record.received_ms},
              {"asset", record.asset},
              {"body", Embedded(record.body)}};
}

// {"key": "value", ...}; `at` is the field's name for messages.
Result<std::map<std::string, std::string>> ParseTags(const api::JsonFields& f,
                                                     std::string_view key) {
  std::map<std::string, std::string> tags;
  if (!f.Has(key)) return tags;
  EL_ASSIGN_OR_RETURN(api::JsonFields object, f.Object(key));
  for (const auto& [name, value] : object.node().items()) {
    if (!value.is_string()) return object.Error(name, "expected a string");
    tags[name] = value.get<std::string>();
  }
  return tags;
}

Result<std::vector<std::string>> ParseAssets(const api::JsonFields& f, std::string_view key) {
  std::vector<std::string> assets;
  if (!f.Has(key)) return assets;
  EL_ASSIGN_OR_RETURN(const json* array, f.Array(key));
  for (size_t i = 0; i < array->size(); ++i) {
    if (!(*array)[i].is_string()) {
      return f.Error(std::string(key) + "[" + std::to_string(i) + "]", "expected a string");
    }
    assets.push_back((*array)[i].get<std::string>());
  }
  return assets;
}

std::string Target(const std::string& id) { return "device/" + id; }

// The body with "bundle_url" set to the bundle's download path when it names a bundle without
// one; any other body is returned unchanged for the wire parser to judge.
std::string WithDefaultBundleUrl(const std::string& body) {
  json node = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!node.is_object()) return body;
  auto digest = node.find("bundle_digest");
  if (digest == node.end() || !digest->is_string() || digest->get<std::string>().empty()) {
    return body;
  }
  auto url = node.find("bundle_url");
  if (url != node.end() && !(url->is_string() && url->get<std::string>().empty())) return body;
  node["bundle_url"] = BundleDownloadPath(digest->get<std::string>());
  return node.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<net::HttpResponse> Provision(FleetContext& c, const net::HttpRequest& request,
                                    const Principal& principal) {
  EL_ASSIGN_OR_RETURN(json body, ParseBodyObject(request, {"id", "site", "tags", "assets"}));
  api::JsonFields f(body, RequestName(request) + ": body");
  rollout::NewDevice spec;
  EL_ASSIGN_OR_RETURN(spec.id, f.String("id"));
  EL_ASSIGN_OR_RETURN(spec.site, f.String("site"));
  EL_ASSIGN_OR_RETURN(spec.tags, ParseTags(f, "tags"));
  EL_ASSIGN_OR_RETURN(spec.assets, ParseAssets(f, "assets"));
  EL_ASSIGN_OR_RETURN(rollout::Device device,
                      c.store.ProvisionDevice(spec, c.clock.NowMillis()));
  json detail = {{"site", device.site}, {"tags", device.tags}, {"assets", device.assets}};
  EL_RETURN_IF_ERROR(c.audit.Record(principal, "device.provision", Target(device.id),
                                    detail.dump(-1, ' ', false, json::error_handler_t::replace)));
  json out = {{"device", DeviceJson(device)}};
  if (c.issue_device_token) {
    Result<std::string> token = c.issue_device_token(device.id);
    if (!token.ok()) {
      return token.status().WithContext("device '" + device.id +
                                        "' was provisioned but its token could not be issued");
    }
    out["token"] = *token;
  }
  return JsonReply(201, out);
}

Result<net::HttpResponse> List(FleetContext& c, const net::HttpRequest& request) {
  EL_RETURN_IF_ERROR(OnlyKnownQuery(request, {"selector"}));
  rollout::TagSelector selector;
  if (auto it = request.query.find("selector"); it != request.query.end()) {
    Result<rollout::TagSelector> parsed = rollout::TagSelector::Parse(it->second);
    if (!parsed.ok()) return parsed.status().WithContext(RequestName(request));
    selector = std::move(parsed).value();
  }
  EL_ASSIGN_OR_RETURN(std::vector<rollout::Device> devices, c.store.ListDevices(selector));
  json out = json::array();
  for (const rollout::Device& device : devices) out.push_back(DeviceJson(device));
  return JsonReply(200, json{{"devices", out}});
}

Result<net::HttpResponse> Get(FleetContext& c, const net::HttpRequest& request) {
  EL_RETURN_IF_ERROR(OnlyKnownQuery(request, {}));
  EL_ASSIGN_OR_RETURN(rollout::Device device, c.store.GetDevice(PathParam(request, "id")));
  return JsonReply(200, DeviceJson(device));
}

Result<net::HttpResponse> PutTags(FleetContext& c, const net::HttpRequest& request,
                                  const Principal& principal) {
  const std::string id = PathParam(request, "id");
  EL_ASSIGN_OR_RETURN(json body, ParseBodyObject(request, {"tags"}));
  api::JsonFields f(body, RequestName(request) + ": body");
  if (!f.Has("tags")) return f.Error("tags", "missing");
  EL_ASSIGN_OR_RETURN(auto tags, ParseTags(f, "tags"));
  EL_ASSIGN_OR_RETURN(rollout::Device before, c.store.GetDevice(id));
  EL_ASSIGN_OR_RETURN(rollout::Device device, c.store.SetTags(id, tags, c.clock.NowMillis()));
  json detail = {{"tags", device.tags}, {"previous", before.tags}};
  EL_RETURN_IF_ERROR(c.audit.Record(principal, "device.tags", Target(id),
                                    detail.dump(-1, ' ', false, json::error_handler_t::replace)));
  return JsonReply(200, DeviceJson(device));
}

Result<net::HttpResponse> PutDesired(FleetContext& c, const net::HttpRequest& request,
                                     const Principal& principal) {
  const std::string id = PathParam(request, "id");
  Result<api::DesiredState> parsed = api::ParseDesiredState(WithDefaultBundleUrl(request.body));
  if (!parsed.ok()) return parsed.status().WithContext(RequestName(request));
  api::DesiredState desired = std::move(parsed).value();
  Status valid = rollout::FleetStore::ValidateDesired(desired);
  if (!valid.ok()) return valid.WithContext(RequestName(request));
  if (!desired.bundle_digest.empty() &&
      (!c.bundle_exists || !c.bundle_exists(desired.bundle_digest))) {
    return FailedPrecondition(RequestName(request) + ": bundle " + desired.bundle_digest +
                              " is not on this server; upload it first (POST /api/v1/bundles)");
  }
  EL_ASSIGN_OR_RETURN(rollout::Device device, c.store.SetDesired(id, desired, c.clock.NowMillis()));
  json detail = {{"desired", Embedded(api::ToJson(device.twin.desired))},
                 {"etag", device.twin.desired_etag}};
  EL_RETURN_IF_ERROR(c.audit.Record(principal, "device.desired", Target(id),
                                    detail.dump(-1, ' ', false, json::error_handler_t::replace)));
  return JsonReply(200, DeviceJson(device));
}

void AuditInstall(FleetContext& c, const Principal& principal, const std::string& id,
                  const api::InstallReport& install) {
  json detail = {{"bundle", install.bundle_digest},
                 {"outcome", std::string(api::InstallOutcomeName(install.outcome))},
                 {"message", install.message},
                 {"device_time_ms", install.time_ms}};
  Status recorded = c.audit.Record(principal, "device.install", Target(id),
                                   detail.dump(-1, ' ', false, json::error_handler_t::replace));
  if (!recorded.ok() && c.log != nullptr) {
    c.log->Warn("device '" + id + "': install outcome " +
                std::string(api::InstallOutcomeName(install.outcome)) + " of bundle " +
                install.bundle_digest + " was not audited: " + recorded.ToString());
  }
}

Result<net::HttpResponse> Sync(FleetContext& c, const net::HttpRequest& request,
                               const Principal& principal) {
  const std::string id = PathParam(request, "id");
  Result<api::SyncRequest> parsed = api::ParseSyncRequest(request.body);
  if (!parsed.ok()) return parsed.status().WithContext(RequestName(request));
  if (parsed->device_id != id) {
    return PermissionDenied(RequestName(request) + ": the body is a sync of device '" +
                            parsed->device_id + "', not of '" + id + "'");
  }
  rollout::SyncEffects effects;
  EL_ASSIGN_OR_RETURN(api::SyncResponse response,
                      c.store.ApplySync(*parsed, c.clock.NowMillis(), &effects));
  if (effects.install_changed && effects.install.outcome != api::InstallOutcome::kNone) {
    AuditInstall(c, principal, id, effects.install);
  }
  return net::JsonResponse(200, api::ToJson(response));
}

Result<net::HttpResponse> Records(FleetContext& c, const net::HttpRequest& request) {
  EL_RETURN_IF_ERROR(OnlyKnownQuery(request, {"kind", "from", "to", "limit"}));
  rollout::RecordQuery query;
  query.device = PathParam(request, "id");
  if (auto it = request.query.find("kind"); it != request.query.end()) {
    api::RecordKind kind;
    if (!api::ParseRecordKind(it->second, &kind)) {
      return InvalidArgument(RequestName(request) + ": query parameter kind='" + it->second +
                             "': expected features, score, health or alert");
    }
    query.kind = kind;
  }
  EL_ASSIGN_OR_RETURN(std::optional<int64_t> from, QueryTime(request, "from"));
  EL_ASSIGN_OR_RETURN(std::optional<int64_t> to, QueryTime(request, "to"));
  if (from.has_value()) query.from_ms = *from;
  if (to.has_value()) query.to_ms = *to;
  EL_ASSIGN_OR_RETURN(query.limit, QueryInt(request, "limit", kDefaultRecordsListed, 1,
                                            rollout::kMaxRecordQueryLimit));
  EL_ASSIGN_OR_RETURN(std::vector<rollout::StoredRecord> records, c.store.QueryRecords(query));
  json out = json::array();
  for (const rollout::StoredRecord& record : records) out.push_back(RecordJson(record));
  return JsonReply(200, json{{"records", out}});
}

net::HttpResponse Reply(const Result<net::HttpResponse>& result) {
  return result.ok() ? *result : StatusResponse(result.status());
}

}  // namespace

std::string BundleDownloadPath(const std::string& digest) {
  return "/api/v1/bundles/" + digest + "/download";
}

Status AddFleetRoutes(RestRoutes& routes, FleetContext& context) {
  FleetContext* c = &context;
  EL_RETURN_IF_ERROR(routes.Add("POST", "/api/v1/devices", Access::kAdmin,
                                [c](const net::HttpRequest& request, const Principal& principal) {
                                  return Reply(Provision(*c, request, principal));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/devices", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  return Reply(List(*c, request));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/devices/{id}", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  return Reply(Get(*c, request));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("PUT", "/api/v1/devices/{id}/tags", Access::kAdmin,
                                [c](const net::HttpRequest& request, const Principal& principal) {
                                  return Reply(PutTags(*c, request, principal));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("PUT", "/api/v1/devices/{id}/desired", Access::kAdmin,
                                [c](const net::HttpRequest& request, const Principal& principal) {
                                  return Reply(PutDesired(*c, request, principal));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("POST", "/api/v1/devices/{id}/sync", Access::kOwnDevice,
                                [c](const net::HttpRequest& request, const Principal& principal) {
                                  return Reply(Sync(*c, request, principal));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/devices/{id}/records", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  return Reply(Records(*c, request));
                                }));
  return Status::Ok();
}

}  // namespace edgeloop::server
