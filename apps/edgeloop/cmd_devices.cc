#include "edgeloop/cmd_devices.h"

#include <sys/stat.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "edgeloop/cmd_runs.h"
#include "edgeloop/exit_code.h"

namespace edgeloop::app {
namespace {

using nlohmann::json;

std::string DevicePath(const std::string& id) { return "/api/v1/devices/" + id; }

// A string field of `node`, or `fallback` when it is missing, null or not a string.
std::string Str(const json& node, const char* key, const std::string& fallback = "") {
  if (!node.is_object()) return fallback;
  auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : fallback;
}

int64_t Int(const json& node, const char* key, int64_t fallback = 0) {
  if (!node.is_object()) return fallback;
  auto it = node.find(key);
  return it != node.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

bool Bool(const json& node, const char* key) {
  if (!node.is_object()) return false;
  auto it = node.find(key);
  return it != node.end() && it->is_boolean() && it->get<bool>();
}

std::string DigestText(const std::string& digest) {
  return digest.empty() ? "-" : ShortDigest(digest);
}

std::string TagsText(const json& device) {
  std::vector<std::string> parts;
  if (device.contains("tags") && device["tags"].is_object()) {
    for (const auto& [key, value] : device["tags"].items()) {
      parts.push_back(key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()));
    }
  }
  return parts.empty() ? "-" : Join(parts, ",");
}

std::string AssetsText(const json& device) {
  std::vector<std::string> parts;
  if (device.contains("assets") && device["assets"].is_array()) {
    for (const json& asset : device["assets"]) {
      if (asset.is_string()) parts.push_back(asset.get<std::string>());
    }
  }
  return parts.empty() ? "-" : Join(parts, ",");
}

// The object at `key` of `node`; an empty object when it is missing or null.
json Object(const json& node, const char* key) {
  if (!node.is_object()) return json::object();
  auto it = node.find(key);
  return it != node.end() && it->is_object() ? *it : json::object();
}

json Twin(const json& device) { return Object(device, "twin"); }
json Reported(const json& device) { return Object(Twin(device), "reported"); }

void Print(const AppContext& context, const json& doc) {
  std::fprintf(context.out, "%s\n", doc.dump(2).c_str());
}

void PrintDevice(const AppContext& context, const json& device) {
  const json twin = Twin(device);
  const json reported = Reported(device);
  const json desired = Object(twin, "desired");
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"device", Str(device, "id") + " (site " + Str(device, "site") + ")"});
  rows.push_back({"tags", TagsText(device)});
  rows.push_back({"assets", AssetsText(device)});
  const std::string desired_bundle = Str(desired, "bundle_digest");
  rows.push_back({"desired", (desired_bundle.empty() ? std::string("keep what runs")
                                                     : desired_bundle) +
                                 (Bool(desired, "allow_older") ? " (rollback allowed)" : "") +
                                 ", sync every " + std::to_string(Int(desired, "sync_period_s", 60)) +
                                 " s, etag " + DigestText(Str(twin, "desired_etag"))});
  if (reported.empty()) {
    rows.push_back({"reported", "nothing yet (the device never synced)"});
  } else {
    rows.push_back({"running", (Str(reported, "running_bundle").empty()
                                    ? std::string("no bundle")
                                    : Str(reported, "running_bundle")) +
                                   " (model version " +
                                   std::to_string(Int(reported, "model_version")) + ")" +
                                   (Bool(reported, "in_probation") ? ", in probation" : "")});
    rows.push_back({"previous", DigestText(Str(reported, "previous_bundle"))});
    rows.push_back({"health", Str(reported, "health", "-")});
    rows.push_back({"agent", Str(reported, "agent_version", "-")});
    const json install = Object(reported, "last_install");
    const std::string outcome = Str(install, "outcome", "none");
    std::string install_text = outcome;
    if (outcome != "none") {
      install_text += " " + DigestText(Str(install, "bundle_digest"));
      if (Int(install, "time_ms") != 0) {
        install_text += " at " + FormatTimestamp(Int(install, "time_ms")) + " (device clock)";
      }
      if (!Str(install, "message").empty()) install_text += ": " + Str(install, "message");
    }
    rows.push_back({"last install", install_text});
    rows.push_back({"outbox", "depth " + std::to_string(Int(reported, "outbox_depth")) +
                                  ", dropped " + std::to_string(Int(reported, "outbox_dropped"))});
  }
  rows.push_back({"last sync", Str(twin, "last_sync", "never")});
  rows.push_back({"acked seq", std::to_string(Int(twin, "acked_through")) + " (" +
                                   std::to_string(Int(twin, "records_received")) +
                                   " records received)"});
  WriteAlignedTable(context.out, rows);
}

Result<json> Provision(const AppContext& context, ServerClient& client,
                       const DevicesProvisionFlags& flags) {
  json tags = json::object();
  for (const std::string& text : flags.tags) {
    EL_ASSIGN_OR_RETURN(auto tag, ParseTagFlag(text, "--tag"));
    tags[tag.first] = tag.second;
  }
  json body = {{"id", flags.id}, {"site", flags.site}, {"tags", tags}, {"assets", flags.assets}};
  EL_ASSIGN_OR_RETURN(json reply, client.SendJson("POST", "/api/v1/devices", body));
  if (!reply.contains("token") || !reply["token"].is_string()) {
    return Internal("POST /api/v1/devices: device '" + flags.id +
                    "' was provisioned but the reply carries no token");
  }
  if (!flags.token_out.empty()) {
    EL_RETURN_IF_ERROR(context.fs->WriteFileAtomic(flags.token_out,
                                                   reply["token"].get<std::string>() + "\n")
                           .WithContext("--token-out"));
    if (::chmod(flags.token_out.c_str(), 0600) != 0) {
      return IoError("--token-out " + flags.token_out + ": cannot make it private (mode 0600)");
    }
  }
  return reply;
}

}  // namespace

Result<std::pair<std::string, std::string>> ParseTagFlag(const std::string& text,
                                                         const std::string& flag) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return InvalidArgument(flag + " '" + text + "': expected key=value");
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

Result<std::unique_ptr<ServerClient>> ConnectFromEnvironment(const AppContext& context,
                                                             const ServerClientFlags& flags) {
  return ServerClient::Connect(flags, *context.fs, std::getenv("EDGELOOP_SERVER"),
                               std::getenv("EDGELOOP_TOKEN"));
}

int RunDevicesProvision(const AppContext& context, ServerClient& client,
                        const DevicesProvisionFlags& flags) {
  Result<json> reply = Provision(context, client, flags);
  if (!reply.ok()) return ReportFailure(reply.status(), context.err);
  const std::string token = (*reply)["token"].get<std::string>();
  if (flags.json) {
    json doc = *reply;
    if (!flags.token_out.empty()) {
      doc.erase("token");
      doc["token_file"] = flags.token_out;
    }
    Print(context, doc);
    return kExitOk;
  }
  const json& device = (*reply)["device"];
  const std::string what = "device " + Str(device, "id", flags.id) + " (site " +
                           Str(device, "site", flags.site) + ", tags " + TagsText(device) + ")";
  if (!flags.token_out.empty()) {
    std::fprintf(context.out, "provisioned %s; its sync token is in %s\n", what.c_str(),
                 flags.token_out.c_str());
  } else {
    std::fprintf(context.err, "provisioned %s; its sync token is shown once, keep it now:\n",
                 what.c_str());
    std::fprintf(context.out, "%s\n", token.c_str());
  }
  return kExitOk;
}

int RunDevicesList(const AppContext& context, ServerClient& client, const DevicesListFlags& flags) {
  std::map<std::string, std::string> query;
  if (!flags.selector.empty()) query["selector"] = flags.selector;
  Result<json> reply = client.GetJson("/api/v1/devices", query);
  if (!reply.ok()) return ReportFailure(reply.status(), context.err);
  if (flags.json) {
    Print(context, *reply);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"ID", "SITE", "TAGS", "RUNNING", "DESIRED", "HEALTH", "OUTBOX", "ACKED", "LAST SYNC"}};
  const json devices = reply->is_object() && reply->contains("devices") && (*reply)["devices"].is_array()
                            ? (*reply)["devices"]
                            : json::array();
  for (const json& device : devices) {
    const json twin = Twin(device);
    const json reported = Reported(device);
    const json desired = Object(twin, "desired");
    rows.push_back({Str(device, "id"), Str(device, "site"), TagsText(device),
                    DigestText(Str(reported, "running_bundle")),
                    DigestText(Str(desired, "bundle_digest")), Str(reported, "health", "-"),
                    reported.empty() ? "-" : std::to_string(Int(reported, "outbox_depth")),
                    std::to_string(Int(twin, "acked_through")), Str(twin, "last_sync", "never")});
  }
  WriteAlignedTable(context.out, rows);
  if (devices.empty()) {
    std::fprintf(context.err, "no devices%s\n",
                 flags.selector.empty() ? "" : (" match '" + flags.selector + "'").c_str());
  }
  return kExitOk;
}

int RunDevicesShow(const AppContext& context, ServerClient& client, const DevicesShowFlags& flags) {
  Result<json> reply = client.GetJson(DevicePath(flags.id));
  if (!reply.ok()) return ReportFailure(reply.status(), context.err);
  if (flags.json) {
    Print(context, *reply);
  } else {
    PrintDevice(context, *reply);
  }
  return kExitOk;
}

int RunDevicesSetDesired(const AppContext& context, ServerClient& client,
                         const DevicesSetDesiredFlags& flags) {
  if (flags.sync_period_s < 0) {
    return ReportFailure(InvalidArgument("--sync-period " + std::to_string(flags.sync_period_s) +
                                         ": expected a positive number of seconds"),
                         context.err);
  }
  Result<json> current = client.GetJson(DevicePath(flags.id));
  if (!current.ok()) return ReportFailure(current.status(), context.err);
  json desired = Object(Twin(*current), "desired");
  // null is how a value without an override may be shown; leaving it out keeps the default.
  for (const char* key : {"threshold", "k", "n"}) {
    if (desired.contains(key) && desired[key].is_null()) desired.erase(key);
  }
  desired["bundle_digest"] = flags.bundle;
  desired["bundle_url"] = "";  // the server fills in the bundle's download path
  desired["allow_older"] = flags.allow_older;
  if (flags.sync_period_s > 0) desired["sync_period_s"] = flags.sync_period_s;
  Result<json> reply = client.SendJson("PUT", DevicePath(flags.id) + "/desired", desired);
  if (!reply.ok()) return ReportFailure(reply.status(), context.err);
  if (flags.json) {
    Print(context, *reply);
    return kExitOk;
  }
  const json twin = Twin(*reply);
  const json set = Object(twin, "desired");
  std::fprintf(context.out, "device %s: desired bundle %s%s, sync every %lld s (etag %s)\n",
               flags.id.c_str(), Str(set, "bundle_digest", "-").c_str(),
               Bool(set, "allow_older") ? " (rollback allowed)" : "",
               static_cast<long long>(Int(set, "sync_period_s", 60)),
               DigestText(Str(twin, "desired_etag")).c_str());
  return kExitOk;
}

int RunBundleUpload(const AppContext& context, ServerClient& client,
                    const BundleUploadFlags& flags) {
  Result<std::string> bytes = context.fs->ReadFile(flags.file);
  if (!bytes.ok()) return ReportFailure(bytes.status(), context.err);
  net::HttpRequest request;
  request.method = "POST";
  request.path = "/api/v1/bundles";
  request.headers["content-type"] = "application/octet-stream";
  request.body = std::move(bytes).value();
  Result<net::HttpResponse> reply = client.Send(request);
  if (!reply.ok()) return ReportFailure(reply.status(), context.err);
  if (Status s = StatusFromReply(*reply); !s.ok()) {
    return ReportFailure(s.WithContext("upload " + flags.file), context.err);
  }
  json summary = json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (!summary.is_object()) {
    return ReportFailure(Internal("POST /api/v1/bundles: the server's reply is not JSON"),
                         context.err);
  }
  if (flags.json) {
    Print(context, summary);
    return kExitOk;
  }
  std::fprintf(context.out, "%s bundle %s (%s version %lld, %lld bytes)\n",
               reply->status == 201 ? "uploaded" : "already on the server:",
               Str(summary, "digest").c_str(), Str(summary, "name").c_str(),
               static_cast<long long>(Int(summary, "version")),
               static_cast<long long>(Int(summary, "size_bytes")));
  return kExitOk;
}

}  // namespace edgeloop::app
