#include "agent/sync_client.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "api/json_fields.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "base/time_format.h"

namespace edgeloop::agent {
namespace {

using nlohmann::json;

constexpr const char* kStatusDoc = "sync status";

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The Status an error answer of the sync call stands for: credentials are the operator's to fix,
// everything else may pass.
Status AnswerStatus(const net::HttpResponse& response, const std::string& what) {
  const std::string message = what + ": " + ServerAnswer(response);
  if (response.status == 401) return Unauthenticated(message);
  if (response.status == 403) return PermissionDenied(message);
  if (response.status == 400) return InvalidArgument(message);
  return Unavailable(message);
}

}  // namespace

std::string SyncStatus::ToJson() const {
  json install{{"bundle_digest", last_install.bundle_digest},
               {"outcome", api::InstallOutcomeName(last_install.outcome)},
               {"message", last_install.message},
               {"time_ms", last_install.time_ms}};
  json out{{"last_attempt_ms", last_attempt_ms},
           {"last_success_ms", last_success_ms},
           {"syncs_total", syncs_total},
           {"failures_total", failures_total},
           {"consecutive_failures", consecutive_failures},
           {"download_failures_total", download_failures_total},
           {"last_error", last_error},
           {"acked_through", acked_through},
           {"records_sent_total", records_sent_total},
           {"next_due_ms", next_due_ms},
           {"desired_etag", desired_etag},
           {"desired", has_desired ? json::parse(api::ToJson(desired)) : json(nullptr)},
           {"last_install", install},
           {"refused_bundle", refused_bundle}};
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<SyncStatus> SyncStatus::Parse(std::string_view text) {
  json doc;
  EL_RETURN_IF_ERROR(api::JsonFields::ParseObject(text, kStatusDoc, &doc));
  api::JsonFields f(doc, kStatusDoc);
  SyncStatus s;
  for (auto [key, out] : std::initializer_list<std::pair<std::string_view, int64_t*>>{
           {"last_attempt_ms", &s.last_attempt_ms},
           {"last_success_ms", &s.last_success_ms},
           {"syncs_total", &s.syncs_total},
           {"failures_total", &s.failures_total},
           {"consecutive_failures", &s.consecutive_failures},
           {"download_failures_total", &s.download_failures_total},
           {"acked_through", &s.acked_through},
           {"records_sent_total", &s.records_sent_total},
           {"next_due_ms", &s.next_due_ms}}) {
    EL_ASSIGN_OR_RETURN(*out, f.Int(key));
  }
  EL_ASSIGN_OR_RETURN(s.last_error, f.String("last_error"));
  EL_ASSIGN_OR_RETURN(s.desired_etag, f.String("desired_etag"));
  EL_ASSIGN_OR_RETURN(s.refused_bundle, f.String("refused_bundle"));
  auto desired = doc.find("desired");
  if (desired == doc.end()) return f.Error("desired", "missing");
  s.has_desired = !desired->is_null();
  if (s.has_desired) {
    Result<api::DesiredState> parsed = api::ParseDesiredState(desired->dump());
    if (!parsed.ok()) return parsed.status().WithContext(std::string(kStatusDoc) + ": desired");
    s.desired = *parsed;
  }
  EL_ASSIGN_OR_RETURN(api::JsonFields install, f.Object("last_install"));
  EL_ASSIGN_OR_RETURN(s.last_install.bundle_digest, install.String("bundle_digest"));
  EL_ASSIGN_OR_RETURN(std::string outcome, install.String("outcome"));
  if (!api::ParseInstallOutcome(outcome, &s.last_install.outcome)) {
    return install.Error("outcome", "expected none, installed, rejected or rolled_back");
  }
  EL_ASSIGN_OR_RETURN(s.last_install.message, install.String("message"));
  EL_ASSIGN_OR_RETURN(s.last_install.time_ms, install.Int("time_ms"));
  return s;
}

Result<SyncStatus> ReadSyncStatus(FileSystem& fs, const std::string& path) {
  if (!fs.Exists(path)) return NotFound(path + ": the device has not synced yet");
  EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path));
  Result<SyncStatus> status = SyncStatus::Parse(text);
  if (!status.ok()) return status.status().WithContext(path);
  return status;
}

SyncClient::SyncClient(SyncClientOptions options, FileSystem& fs, Outbox& outbox,
                       BundleManager& bundles, net::HttpClient& http, Random& random, Logger& log)
    : options_(std::move(options)),
      fs_(fs),
      outbox_(outbox),
      bundles_(bundles),
      http_(http),
      random_(random),
      log_(log),
      download_(http, fs, JoinPath(bundles.dir(), "staging"), options_.max_bundle_bytes),
      period_ms_(options_.period_ms) {}

void SyncClient::Load() {
  if (options_.state_path.empty() || !fs_.Exists(options_.state_path)) return;
  Result<SyncStatus> loaded = ReadSyncStatus(fs_, options_.state_path);
  if (!loaded.ok()) {
    log_.Warn("starting the sync status afresh: " + loaded.status().message());
    return;
  }
  status_ = *loaded;
  if (status_.has_desired) period_ms_ = status_.desired.sync_period_s * kMillisPerSecond;
  status_.next_due_ms = 0;
}

Status SyncClient::SyncOnce(int64_t now_ms, std::string_view health) {
  status_.last_attempt_ms = now_ms;
  Result<BundleState> state = bundles_.ReadState();
  if (!state.ok()) return Fail(now_ms, state.status());
  NoteRollback(*state);
  Result<OutboxStats> stats = outbox_.Stats();
  if (!stats.ok()) return Fail(now_ms, stats.status());

  api::SyncRequest request;
  request.device_id = options_.device_id;
  request.desired_etag = status_.desired_etag;
  request.reported = Reported(now_ms, health, *state, *stats);
  bool full = false;
  Result<api::SyncBatch> batch = NextBatch(*stats, &full);
  if (!batch.ok()) return Fail(now_ms, batch.status());
  request.batch = std::move(*batch);
  const int64_t through_seq = request.batch.through_seq;
  const std::string what = "sync of (" + std::to_string(request.batch.after_seq) + ", " +
                           std::to_string(through_seq) + "]";

  net::HttpRequest http_request;
  http_request.method = "POST";
  http_request.path = "/api/v1/devices/" + options_.device_id + "/sync";
  http_request.headers["content-type"] = "application/json";
  http_request.headers["accept"] = "application/json";
  http_request.body = api::ToJson(request);
  Result<net::HttpResponse> sent = http_.Send(http_request);
  if (!sent.ok()) return Fail(now_ms, sent.status());
  if (sent->status != 200) return Fail(now_ms, AnswerStatus(*sent, what));
  Result<api::SyncResponse> response = api::ParseSyncResponse(sent->body);
  if (!response.ok()) return Fail(now_ms, response.status().WithContext(what));

  // Never beyond what this batch covered: an acknowledgement of records the device did not
  // send must not delete them.
  const int64_t acked = std::min(response->acked_through, through_seq);
  if (response->acked_through < stats->acked_through) {
    log_.Warn("the server acknowledges only through " + std::to_string(response->acked_through) +
              ", below " + std::to_string(stats->acked_through) +
              " it acknowledged before; the records between are no longer on this device");
  }
  if (acked > stats->acked_through) {
    Status deleted = outbox_.AckThrough(acked);
    if (!deleted.ok()) return Fail(now_ms, deleted);
  }
  server_acked_ = acked;

  status_.consecutive_failures = 0;
  status_.last_success_ms = now_ms;
  ++status_.syncs_total;
  status_.records_sent_total += static_cast<int64_t>(request.batch.records.size());
  status_.acked_through = acked;
  TakeDesired(*response);
  // A backlog drains turn by turn; otherwise the next sync is a period away.
  status_.next_due_ms = full && acked >= through_seq ? now_ms : now_ms + period_ms_;
  ApplyDesired(now_ms, *state);
  Persist();
  return Status::Ok();
}

api::ReportedState SyncClient::Reported(int64_t now_ms, std::string_view health,
                                        const BundleState& state, const OutboxStats& stats) const {
  api::ReportedState reported;
  reported.agent_version = options_.agent_version;
  reported.running_bundle = state.active;
  reported.previous_bundle = state.previous;
  reported.model_version = state.active_version;
  reported.in_probation = state.on_probation;
  reported.health = std::string(health);
  reported.outbox_depth = stats.pending_records;
  for (int64_t dropped : stats.dropped_by_kind) reported.outbox_dropped += dropped;
  reported.device_time_ms = now_ms;
  reported.last_install = status_.last_install;
  return reported;
}

Result<api::SyncBatch> SyncClient::NextBatch(const OutboxStats& stats, bool* full) {
  // The range starts where the server stands; records at or below the outbox's acknowledgement
  // are gone from the device, so a server that lost them gets the range without them.
  api::SyncBatch batch;
  batch.after_seq = server_acked_.value_or(stats.acked_through);
  EL_ASSIGN_OR_RETURN(std::vector<StoredRecord> records,
                      outbox_.ReadAfter(batch.after_seq, options_.batch_records));
  *full = !records.empty() && records.size() >= options_.batch_records;
  // A full batch ends at its last record (more follow); otherwise it reaches the last sequence
  // number ever assigned, so records dropped after the last one held are covered too.
  batch.through_seq = *full ? records.back().seq : std::max(batch.after_seq, stats.last_seq);
  batch.records.reserve(records.size());
  for (StoredRecord& r : records) {
    batch.records.push_back({r.seq, r.entry.kind, r.entry.time_ms, std::move(r.entry.body)});
  }
  return batch;
}

void SyncClient::TakeDesired(const api::SyncResponse& response) {
  status_.desired_etag = response.desired_etag;
  if (!response.has_desired) {
    if (!status_.has_desired) status_.desired_etag.clear();  // ask for it again next time
    return;
  }
  // A new order (another digest, or the same one now as a rollback) may be tried again.
  if (response.desired.bundle_digest != status_.desired.bundle_digest ||
      response.desired.allow_older != status_.desired.allow_older) {
    status_.refused_bundle.clear();
  }
  status_.desired = response.desired;
  status_.has_desired = true;
  period_ms_ = status_.desired.sync_period_s * kMillisPerSecond;
}

Status SyncClient::Fail(int64_t now_ms, const Status& why) {
  ++status_.failures_total;
  ++status_.consecutive_failures;
  status_.last_error = why.message();
  const int shift = static_cast<int>(std::min<int64_t>(status_.consecutive_failures - 1, 20));
  const int64_t cap = std::max(options_.max_backoff_ms, period_ms_);
  const int64_t delay = std::min(cap, period_ms_ << shift);
  // Jitter keeps a fleet that lost the server together from coming back together.
  const int64_t jittered = delay / 2 + random_.UniformInt(0, delay / 2);
  status_.next_due_ms = now_ms + jittered;
  log_.Warn("sync with the server failed (" + std::to_string(status_.consecutive_failures) +
            " in a row): " + why.message() + "; next try in " + FormatDuration(jittered));
  Persist();
  return why;
}

void SyncClient::NoteRollback(const BundleState& state) {
  const api::InstallReport& last = status_.last_install;
  if (last.outcome != api::InstallOutcome::kInstalled || state.active == last.bundle_digest ||
      !Contains(state.rejected, last.bundle_digest)) {
    return;
  }
  std::string why = StartsWith(state.last_change, "rolled back") ? state.last_change
                                                                 : "rolled back on the device";
  Report(state.changed_ms, last.bundle_digest, api::InstallOutcome::kRolledBack, std::move(why));
}

void SyncClient::ApplyDesired(int64_t now_ms, const BundleState& state) {
  if (!status_.has_desired) return;
  const api::DesiredState desired = status_.desired;
  const std::string& digest = desired.bundle_digest;
  if (digest.empty() || digest == state.active || digest == status_.refused_bundle) return;
  const std::string label = "bundle " + ShortDigest(digest);

  std::string bytes;
  if (const std::string kept = bundles_.BundlePath(digest); fs_.Exists(kept)) {
    // The previous bundle is still here: a rollback needs no download.
    Result<std::string> read = fs_.ReadFile(kept);
    if (read.ok()) bytes = std::move(*read);
  }
  if (bytes.empty()) {
    Result<std::optional<std::string>> fetched = download_.Fetch(digest, desired.bundle_url);
    if (!fetched.ok()) {
      const StatusCode code = fetched.status().code();
      if (code == StatusCode::kDataLoss || code == StatusCode::kResourceExhausted ||
          code == StatusCode::kInvalidArgument) {
        Report(now_ms, digest, api::InstallOutcome::kRejected,
               "download failed: " + fetched.status().message());
        return;
      }
      ++status_.download_failures_total;
      status_.last_error = fetched.status().message();
      log_.Warn(label +
                ": download failed, trying again at the next sync: " + fetched.status().message());
      return;
    }
    if (!fetched->has_value()) {
      log_.Info(label + ": " + std::to_string(download_.PartialBytes(digest)) +
                " bytes downloaded, the rest follows");
      status_.next_due_ms = now_ms;
      return;
    }
    bytes = std::move(**fetched);
  }

  InstallOptions options;
  options.allow_older = desired.allow_older;
  options.reason =
      desired.allow_older ? "rollback ordered by the server" : "installed from the server";
  Result<InstallOutcome> installed = bundles_.Install(bytes, options);
  if (installed.ok()) {
    download_.Discard(digest);
    std::string message = installed->name + " v" + std::to_string(installed->version);
    if (!installed->replaced.empty()) message += ", replacing " + ShortDigest(installed->replaced);
    log_.Info(label + " installed from the server: " + message);
    Report(now_ms, digest, api::InstallOutcome::kInstalled, std::move(message));
    return;
  }
  const StatusCode code = installed.status().code();
  if (code == StatusCode::kIoError || code == StatusCode::kUnavailable ||
      code == StatusCode::kInternal) {
    // The device, not the bundle: the verified download stays staged for the next try.
    ++status_.download_failures_total;
    status_.last_error = installed.status().message();
    log_.Warn(label + ": cannot install it now: " + installed.status().message());
    return;
  }
  download_.Discard(digest);
  log_.Warn(label + " rejected: " + installed.status().message());
  Report(now_ms, digest, api::InstallOutcome::kRejected, installed.status().message());
}

void SyncClient::Report(int64_t now_ms, const std::string& digest, api::InstallOutcome outcome,
                        std::string message) {
  if (message.size() > kMaxMessageChars) message.resize(kMaxMessageChars);
  status_.last_install = {digest, outcome, std::move(message), now_ms};
  if (outcome != api::InstallOutcome::kInstalled) status_.refused_bundle = digest;
  status_.next_due_ms = 0;  // the server hears of it at the next turn
}

void SyncClient::Persist() {
  if (options_.state_path.empty()) return;
  Status written = fs_.WriteFileAtomic(options_.state_path, status_.ToJson());
  if (!written.ok()) log_.Warn("cannot record the sync status: " + written.message());
}

}  // namespace edgeloop::agent
