// Sync: the one call an edge agent makes to the server, `POST /api/v1/devices/{id}/sync`.
//
// The agent sends its reported state and a batch of outbox records; the server stores the
// records idempotently, acknowledges the highest contiguous sequence number it holds, and
// answers with the device's desired state.
//
// Sequence ranges. A batch covers the range (after_seq, through_seq]: it carries every record
// the device still holds in that range. Records dropped under the outbox's disk quota leave
// gaps inside a range; the range still counts as covered, so a dropped record never blocks the
// acknowledgement. The server advances its acknowledgement to through_seq only when after_seq
// is at or below what it has already acknowledged (no hole before the batch); otherwise it
// stores what it can and answers with its current acknowledgement, and the agent resends from
// there. Records at or below the acknowledgement are duplicates and are ignored, so a retried,
// replayed or reordered batch never duplicates or loses a record.
//
// Desired state and ETags. The response carries `desired_etag`; the agent sends it back as
// `desired_etag` in the next request, and when the twin's desired state has not changed the
// server omits `desired` (has_desired = false), so an idle sync is a few hundred bytes.
//
// Plain values; ToJson gives compact JSON, Parse... returns InvalidArgument naming the field
// that is wrong ("sync request: batch.records[3].seq: expected an integer").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/records.h"
#include "base/status.h"

namespace edgeloop::api {

// What the device last did with a bundle the server asked for.
enum class InstallOutcome {
  kNone,        // nothing asked yet
  kInstalled,   // verified, smoke-tested, switched; in probation or past it
  kRejected,    // failed download, signature, hashes or golden smoke test; old bundle kept
  kRolledBack,  // switched, then failed probation; previous bundle restored
};
std::string_view InstallOutcomeName(InstallOutcome outcome);  // "none", "installed", ...
bool ParseInstallOutcome(std::string_view name, InstallOutcome* outcome);

struct InstallReport {
  std::string bundle_digest;  // the bundle the outcome is about
  InstallOutcome outcome = InstallOutcome::kNone;
  std::string message;  // why, for rejected and rolled back ("golden output 3 differs ...")
  int64_t time_ms = 0;  // device clock
};

struct ReportedState {
  std::string agent_version;
  std::string running_bundle;   // digest of the active bundle; empty when none
  std::string previous_bundle;  // digest kept for rollback; empty when none
  int64_t model_version = 0;
  bool in_probation = false;
  std::string health = "ok";  // "ok" or "degraded" (a sensor fault or a failing source)
  int64_t outbox_depth = 0;   // records not yet acknowledged
  int64_t outbox_dropped = 0;  // records dropped under the disk quota, all kinds, ever
  int64_t device_time_ms = 0;
  InstallReport last_install;
};

// One outbox record on the wire. `body` is the record's own JSON (records.h), kept as text.
struct SyncRecord {
  int64_t seq = 0;
  RecordKind kind = RecordKind::kScore;
  int64_t time_ms = 0;
  std::string body;
};

struct SyncBatch {
  int64_t after_seq = 0;    // exclusive
  int64_t through_seq = 0;  // inclusive; equal to after_seq for an empty batch
  std::vector<SyncRecord> records;  // ascending seq, all in (after_seq, through_seq]
};

struct SyncRequest {
  std::string device_id;
  std::string desired_etag;  // from the previous response; empty on the first sync
  ReportedState reported;
  SyncBatch batch;
};

struct DesiredState {
  std::string bundle_digest;  // empty: keep what runs
  std::string bundle_url;     // path on the server, "/api/v1/bundles/<digest>/download"
  bool allow_older = false;   // a rollback ordered by the server
  int64_t sync_period_s = 60;
  // Alert policy overrides; a value < 0 keeps the bundle's own.
  double threshold = -1;
  int k = -1;
  int n = -1;
};

struct SyncResponse {
  int64_t acked_through = 0;
  std::string desired_etag;
  bool has_desired = true;  // false when desired_etag matched the request's
  DesiredState desired;
};

std::string ToJson(const SyncRequest& request);
std::string ToJson(const SyncResponse& response);
std::string ToJson(const DesiredState& desired);
std::string ToJson(const ReportedState& reported);

// Unknown top-level fields are rejected (a typo must not be silently ignored); missing optional
// fields take their defaults. The limits keep one request bounded.
inline constexpr size_t kMaxSyncRecords = 5000;
Result<SyncRequest> ParseSyncRequest(std::string_view json);
Result<SyncResponse> ParseSyncResponse(std::string_view json);
Result<DesiredState> ParseDesiredState(std::string_view json);
Result<ReportedState> ParseReportedState(std::string_view json);

// Checks the batch's own consistency: after_seq <= through_seq, ascending unique seqs inside the
// range, at most kMaxSyncRecords. InvalidArgument naming the first problem.
Status ValidateBatch(const SyncBatch& batch);

}  // namespace edgeloop::api
