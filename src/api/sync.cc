#include "api/sync.h"

#include <cmath>
#include <initializer_list>
#include <utility>

#include "api/json_fields.h"

namespace edgeloop::api {
namespace {

using nlohmann::json;

constexpr const char* kRequestDoc = "sync request";
constexpr const char* kResponseDoc = "sync response";
constexpr const char* kDesiredDoc = "desired state";
constexpr const char* kReportedDoc = "reported state";
constexpr const char* kBatchDoc = "sync batch";

// Bounds on the text fields, so one request stays small whatever a peer sends. An agent's own
// values are far below them (digests are 64 characters; it cuts messages to kMaxMessageChars).
constexpr size_t kMaxNameChars = 1024;
constexpr size_t kMaxMessageChars = 8192;
constexpr int64_t kMaxSyncPeriodS = 7 * 24 * 3600;

// Compact text; bytes that are not UTF-8 become U+FFFD instead of an exception.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool IsDigest(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Reads an optional string member bounded by `max_chars`.
Status OptionalString(const JsonFields& f, std::string_view key, size_t max_chars,
                      std::string* out) {
  if (!f.Has(key)) return Status::Ok();
  EL_ASSIGN_OR_RETURN(*out, f.String(key));
  if (out->size() > max_chars) {
    return f.Error(key, "longer than " + std::to_string(max_chars) + " characters");
  }
  return Status::Ok();
}

// An optional digest: empty, or 64 lowercase hex digits.
Status OptionalDigest(const JsonFields& f, std::string_view key, std::string* out) {
  EL_RETURN_IF_ERROR(OptionalString(f, key, kMaxNameChars, out));
  if (!out->empty() && !IsDigest(*out)) {
    return f.Error(key, "expected a sha256 digest (64 lowercase hex digits) or \"\"");
  }
  return Status::Ok();
}

Status OptionalInt(const JsonFields& f, std::string_view key, int64_t min, int64_t* out) {
  if (!f.Has(key)) return Status::Ok();
  EL_ASSIGN_OR_RETURN(*out, f.Int(key));
  if (*out < min) return f.Error(key, "expected an integer >= " + std::to_string(min));
  return Status::Ok();
}

Status OptionalBool(const JsonFields& f, std::string_view key, bool* out) {
  if (!f.Has(key)) return Status::Ok();
  EL_ASSIGN_OR_RETURN(*out, f.Bool(key));
  return Status::Ok();
}

json InstallReportJson(const InstallReport& r) {
  return json{{"bundle_digest", r.bundle_digest},
              {"outcome", InstallOutcomeName(r.outcome)},
              {"message", r.message},
              {"time_ms", r.time_ms}};
}

json ReportedJson(const ReportedState& r) {
  return json{
      {"agent_version", r.agent_version},     {"running_bundle", r.running_bundle},
      {"previous_bundle", r.previous_bundle}, {"model_version", r.model_version},
      {"in_probation", r.in_probation},       {"health", r.health},
      {"outbox_depth", r.outbox_depth},       {"outbox_dropped", r.outbox_dropped},
      {"device_time_ms", r.device_time_ms},   {"last_install", InstallReportJson(r.last_install)}};
}

json DesiredJson(const DesiredState& d) {
  return json{{"bundle_digest", d.bundle_digest},
              {"bundle_url", d.bundle_url},
              {"allow_older", d.allow_older},
              {"sync_period_s", d.sync_period_s},
              {"threshold", WireNumber(d.threshold)},
              {"k", d.k},
              {"n", d.n}};
}

// A record's body travels as the JSON object it is; a body that is not one (a bug or a damaged
// outbox) travels as a string, which the parser rejects, naming the record.
json BodyJson(const std::string& body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return body;
  return parsed;
}

Result<InstallReport> ParseInstallReport(const JsonFields& f) {
  EL_RETURN_IF_ERROR(f.OnlyKnown({"bundle_digest", "outcome", "message", "time_ms"}));
  InstallReport r;
  EL_RETURN_IF_ERROR(OptionalDigest(f, "bundle_digest", &r.bundle_digest));
  if (f.Has("outcome")) {
    EL_ASSIGN_OR_RETURN(std::string outcome, f.String("outcome"));
    if (!ParseInstallOutcome(outcome, &r.outcome)) {
      return f.Error("outcome", "expected none, installed, rejected or rolled_back");
    }
  }
  EL_RETURN_IF_ERROR(OptionalString(f, "message", kMaxMessageChars, &r.message));
  EL_RETURN_IF_ERROR(OptionalInt(f, "time_ms", INT64_MIN, &r.time_ms));
  if (r.outcome != InstallOutcome::kNone && r.bundle_digest.empty()) {
    return f.Error("bundle_digest",
                   "missing for outcome " + std::string(InstallOutcomeName(r.outcome)));
  }
  return r;
}

Result<ReportedState> ParseReported(const JsonFields& f) {
  EL_RETURN_IF_ERROR(f.OnlyKnown({"agent_version", "running_bundle", "previous_bundle",
                                  "model_version", "in_probation", "health", "outbox_depth",
                                  "outbox_dropped", "device_time_ms", "last_install"}));
  ReportedState r;
  EL_RETURN_IF_ERROR(OptionalString(f, "agent_version", kMaxNameChars, &r.agent_version));
  EL_RETURN_IF_ERROR(OptionalDigest(f, "running_bundle", &r.running_bundle));
  EL_RETURN_IF_ERROR(OptionalDigest(f, "previous_bundle", &r.previous_bundle));
  EL_RETURN_IF_ERROR(OptionalInt(f, "model_version", 0, &r.model_version));
  EL_RETURN_IF_ERROR(OptionalBool(f, "in_probation", &r.in_probation));
  EL_RETURN_IF_ERROR(OptionalString(f, "health", kMaxNameChars, &r.health));
  if (r.health != "ok" && r.health != "degraded")
    return f.Error("health", "expected ok or degraded");
  EL_RETURN_IF_ERROR(OptionalInt(f, "outbox_depth", 0, &r.outbox_depth));
  EL_RETURN_IF_ERROR(OptionalInt(f, "outbox_dropped", 0, &r.outbox_dropped));
  EL_RETURN_IF_ERROR(OptionalInt(f, "device_time_ms", INT64_MIN, &r.device_time_ms));
  if (f.Has("last_install")) {
    EL_ASSIGN_OR_RETURN(JsonFields install, f.Object("last_install"));
    EL_ASSIGN_OR_RETURN(r.last_install, ParseInstallReport(install));
  }
  return r;
}

Result<DesiredState> ParseDesired(const JsonFields& f) {
  EL_RETURN_IF_ERROR(f.OnlyKnown(
      {"bundle_digest", "bundle_url", "allow_older", "sync_period_s", "threshold", "k", "n"}));
  DesiredState d;
  EL_RETURN_IF_ERROR(OptionalDigest(f, "bundle_digest", &d.bundle_digest));
  EL_RETURN_IF_ERROR(OptionalString(f, "bundle_url", kMaxNameChars, &d.bundle_url));
  if (!d.bundle_digest.empty() && d.bundle_url.empty()) {
    return f.Error("bundle_url", "missing: a desired bundle needs the path to download it from");
  }
  if (!d.bundle_url.empty() && d.bundle_url[0] != '/') {
    return f.Error("bundle_url", "expected a path on the server starting with '/'");
  }
  EL_RETURN_IF_ERROR(OptionalBool(f, "allow_older", &d.allow_older));
  if (f.Has("sync_period_s")) {
    EL_ASSIGN_OR_RETURN(d.sync_period_s, f.Int("sync_period_s"));
    if (d.sync_period_s < 1 || d.sync_period_s > kMaxSyncPeriodS) {
      return f.Error("sync_period_s",
                     "expected 1.." + std::to_string(kMaxSyncPeriodS) + " seconds");
    }
  }
  if (f.Has("threshold")) {
    EL_ASSIGN_OR_RETURN(d.threshold, f.Number("threshold"));
    if (!std::isfinite(d.threshold)) return f.Error("threshold", "expected a finite number");
  }
  for (auto [key, out] :
       std::initializer_list<std::pair<std::string_view, int*>>{{"k", &d.k}, {"n", &d.n}}) {
    if (!f.Has(key)) continue;
    EL_ASSIGN_OR_RETURN(int64_t v, f.Int(key));
    if (v == 0 || v > 100'000 || v < -1) {
      return f.Error(key, "expected 1..100000, or -1 to keep the bundle's own");
    }
    *out = static_cast<int>(v);
  }
  if (d.k > 0 && d.n > 0 && d.k > d.n) return f.Error("k", "expected k <= n");
  return d;
}

// ValidateBatch's checks, with errors named from `doc` and `path` (the batch's place in it).
Status CheckBatch(const SyncBatch& batch, const std::string& doc, const std::string& path) {
  const std::string at = doc + ": " + (path.empty() ? "" : path + ".");
  if (batch.after_seq < 0) return InvalidArgument(at + "after_seq: expected an integer >= 0");
  if (batch.through_seq < batch.after_seq) {
    return InvalidArgument(at + "through_seq: " + std::to_string(batch.through_seq) +
                           " is below after_seq " + std::to_string(batch.after_seq));
  }
  if (batch.records.size() > kMaxSyncRecords) {
    return InvalidArgument(at + "records: " + std::to_string(batch.records.size()) +
                           " records, at most " + std::to_string(kMaxSyncRecords) + " per batch");
  }
  int64_t previous = batch.after_seq;
  for (size_t i = 0; i < batch.records.size(); ++i) {
    const int64_t seq = batch.records[i].seq;
    const std::string field = at + "records[" + std::to_string(i) + "].seq: ";
    if (seq <= previous) {
      return InvalidArgument(field + std::to_string(seq) + " is not above " +
                             (i == 0 ? "after_seq " : "the previous record's ") +
                             std::to_string(previous));
    }
    if (seq > batch.through_seq) {
      return InvalidArgument(field + std::to_string(seq) + " is above through_seq " +
                             std::to_string(batch.through_seq));
    }
    previous = seq;
  }
  return Status::Ok();
}

Result<SyncRecord> ParseRecord(const json& value, const std::string& path) {
  if (!value.is_object())
    return InvalidArgument(std::string(kRequestDoc) + ": " + path + ": expected an object");
  JsonFields f(value, kRequestDoc, path);
  EL_RETURN_IF_ERROR(f.OnlyKnown({"seq", "kind", "time_ms", "body"}));
  SyncRecord r;
  EL_ASSIGN_OR_RETURN(r.seq, f.Int("seq"));
  EL_ASSIGN_OR_RETURN(std::string kind, f.String("kind"));
  if (!ParseRecordKind(kind, &r.kind))
    return f.Error("kind", "expected features, score, health or alert");
  EL_ASSIGN_OR_RETURN(r.time_ms, f.Int("time_ms"));
  EL_ASSIGN_OR_RETURN(JsonFields body, f.Object("body"));
  r.body = Dump(body.node());
  return r;
}

Result<SyncBatch> ParseBatch(const JsonFields& f) {
  EL_RETURN_IF_ERROR(f.OnlyKnown({"after_seq", "through_seq", "records"}));
  SyncBatch batch;
  EL_ASSIGN_OR_RETURN(batch.after_seq, f.Int("after_seq"));
  EL_ASSIGN_OR_RETURN(batch.through_seq, f.Int("through_seq"));
  if (f.Has("records")) {
    EL_ASSIGN_OR_RETURN(const json* records, f.Array("records"));
    // Checked before reading them, so an oversized request costs no more work.
    if (records->size() > kMaxSyncRecords) {
      return f.Error("records", std::to_string(records->size()) + " records, at most " +
                                    std::to_string(kMaxSyncRecords) + " per batch");
    }
    batch.records.reserve(records->size());
    for (size_t i = 0; i < records->size(); ++i) {
      EL_ASSIGN_OR_RETURN(SyncRecord r,
                          ParseRecord((*records)[i], f.Path("records[" + std::to_string(i) + "]")));
      batch.records.push_back(std::move(r));
    }
  }
  EL_RETURN_IF_ERROR(CheckBatch(batch, f.doc(), "batch"));
  return batch;
}

}  // namespace

std::string_view InstallOutcomeName(InstallOutcome outcome) {
  switch (outcome) {
    case InstallOutcome::kNone:
      return "none";
    case InstallOutcome::kInstalled:
      return "installed";
    case InstallOutcome::kRejected:
      return "rejected";
    case InstallOutcome::kRolledBack:
      return "rolled_back";
  }
  return "unknown";
}

bool ParseInstallOutcome(std::string_view name, InstallOutcome* outcome) {
  for (InstallOutcome o : {InstallOutcome::kNone, InstallOutcome::kInstalled,
                           InstallOutcome::kRejected, InstallOutcome::kRolledBack}) {
    if (InstallOutcomeName(o) == name) {
      *outcome = o;
      return true;
    }
  }
  return false;
}

std::string ToJson(const SyncRequest& request) {
  json records = json::array();
  for (const SyncRecord& r : request.batch.records) {
    records.push_back(json{{"seq", r.seq},
                           {"kind", RecordKindName(r.kind)},
                           {"time_ms", r.time_ms},
                           {"body", BodyJson(r.body)}});
  }
  return Dump(json{{"device_id", request.device_id},
                   {"desired_etag", request.desired_etag},
                   {"reported", ReportedJson(request.reported)},
                   {"batch",
                    {{"after_seq", request.batch.after_seq},
                     {"through_seq", request.batch.through_seq},
                     {"records", std::move(records)}}}});
}

std::string ToJson(const SyncResponse& response) {
  json out{{"acked_through", response.acked_through}, {"desired_etag", response.desired_etag}};
  if (response.has_desired) out["desired"] = DesiredJson(response.desired);
  return Dump(out);
}

std::string ToJson(const DesiredState& desired) { return Dump(DesiredJson(desired)); }

std::string ToJson(const ReportedState& reported) { return Dump(ReportedJson(reported)); }

Result<SyncRequest> ParseSyncRequest(std::string_view text) {
  json doc;
  EL_RETURN_IF_ERROR(JsonFields::ParseObject(text, kRequestDoc, &doc));
  JsonFields f(doc, kRequestDoc);
  EL_RETURN_IF_ERROR(f.OnlyKnown({"device_id", "desired_etag", "reported", "batch"}));
  SyncRequest request;
  EL_ASSIGN_OR_RETURN(request.device_id, f.String("device_id"));
  if (request.device_id.empty() || request.device_id.size() > kMaxNameChars) {
    return f.Error("device_id",
                   "expected a device id of 1.." + std::to_string(kMaxNameChars) + " characters");
  }
  EL_RETURN_IF_ERROR(OptionalString(f, "desired_etag", kMaxNameChars, &request.desired_etag));
  if (f.Has("reported")) {
    EL_ASSIGN_OR_RETURN(JsonFields reported, f.Object("reported"));
    EL_ASSIGN_OR_RETURN(request.reported, ParseReported(reported));
  }
  EL_ASSIGN_OR_RETURN(JsonFields batch, f.Object("batch"));
  EL_ASSIGN_OR_RETURN(request.batch, ParseBatch(batch));
  return request;
}

Result<SyncResponse> ParseSyncResponse(std::string_view text) {
  json doc;
  EL_RETURN_IF_ERROR(JsonFields::ParseObject(text, kResponseDoc, &doc));
  JsonFields f(doc, kResponseDoc);
  EL_RETURN_IF_ERROR(f.OnlyKnown({"acked_through", "desired_etag", "desired"}));
  SyncResponse response;
  EL_ASSIGN_OR_RETURN(response.acked_through, f.Int("acked_through"));
  if (response.acked_through < 0) return f.Error("acked_through", "expected an integer >= 0");
  EL_RETURN_IF_ERROR(OptionalString(f, "desired_etag", kMaxNameChars, &response.desired_etag));
  response.has_desired = f.Has("desired");
  if (response.has_desired) {
    EL_ASSIGN_OR_RETURN(JsonFields desired, f.Object("desired"));
    EL_ASSIGN_OR_RETURN(response.desired, ParseDesired(desired));
  }
  return response;
}

Result<DesiredState> ParseDesiredState(std::string_view text) {
  json doc;
  EL_RETURN_IF_ERROR(JsonFields::ParseObject(text, kDesiredDoc, &doc));
  return ParseDesired(JsonFields(doc, kDesiredDoc));
}

Result<ReportedState> ParseReportedState(std::string_view text) {
  json doc;
  EL_RETURN_IF_ERROR(JsonFields::ParseObject(text, kReportedDoc, &doc));
  return ParseReported(JsonFields(doc, kReportedDoc));
}

Status ValidateBatch(const SyncBatch& batch) { return CheckBatch(batch, kBatchDoc, ""); }

}  // namespace edgeloop::api
