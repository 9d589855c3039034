// SyncClient: the device's side of `POST /api/v1/devices/{id}/sync` (api/sync.h).
//
// One SyncOnce: reads the bundle state and the outbox; sends the reported state and the next
// batch of outbox records, the range (after_seq, through_seq] that starts where the server's
// acknowledgement stands (the outbox's own on the first sync) and covers every record the
// device still holds up to through_seq — records dropped under the quota are gaps the range
// covers, so the server learns they are gone; on 200 it deletes what the server acknowledged,
// never beyond through_seq of the batch it sent, and keeps the desired state and its ETag. When
// the desired bundle is not the running one it downloads it (BundleDownload, resuming a partial
// file in the bundle manager's staging area) and installs it through the BundleManager, which
// verifies signature, hashes and golden I/O; the outcome (installed; rejected, with why; rolled
// back after probation) goes out with the next sync, which is then due at once. A digest that
// was rejected is not tried again until the desired digest changes.
//
// A sync that fails (server unreachable, timeout, an error status, an answer that does not
// parse) is counted, logged and retried after period * 2^(failures-1), capped at
// max_backoff_ms and jittered by the injected Random; it is never an error the loop has to stop
// on, and scoring goes on. A batch that was full and fully acknowledged makes the next sync due
// at once, so a backlog drains turn by turn. The period is desired.sync_period_s once the server
// has said it.
//
// The status (attempts, failures, the desired state and ETag, the install report, the digest
// not to try again) is written to options.state_path after every attempt, so
// `edgeloop-agent status` can show it and a restart keeps the report that has not gone out yet.
//
// Borrows every seam; not thread-safe: the agent's loop thread, which owns the outbox, calls it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/bundle_download.h"
#include "agent/bundle_manager.h"
#include "agent/outbox.h"
#include "api/sync.h"
#include "base/file_system.h"
#include "base/log.h"
#include "base/random.h"
#include "base/status.h"
#include "net/http_client.h"

namespace edgeloop::agent {

struct SyncClientOptions {
  std::string device_id;
  std::string agent_version;
  int64_t period_ms = 60'000;  // until the server's desired state says otherwise
  size_t batch_records = 1000;
  int64_t max_backoff_ms = 30 * 60'000;
  int64_t max_bundle_bytes = 1LL << 30;
  std::string state_path;  // sync.json; "" keeps the status in memory only
};

// What the sync client has done, as persisted in sync.json.
struct SyncStatus {
  int64_t last_attempt_ms = 0;
  int64_t last_success_ms = 0;  // 0: never
  int64_t syncs_total = 0;      // successful exchanges
  int64_t failures_total = 0;
  int64_t consecutive_failures = 0;
  int64_t download_failures_total = 0;
  std::string last_error;
  int64_t acked_through = 0;  // the server's last acknowledgement, as applied to the outbox
  int64_t records_sent_total = 0;
  int64_t next_due_ms = 0;
  std::string desired_etag;
  bool has_desired = false;
  api::DesiredState desired;
  api::InstallReport last_install;
  std::string refused_bundle;  // a desired digest that was rejected: not tried again

  std::string ToJson() const;
  static Result<SyncStatus> Parse(std::string_view json);
};

// The status a sync client left at `path`; NotFound when it never ran.
Result<SyncStatus> ReadSyncStatus(FileSystem& fs, const std::string& path);

class SyncClient {
 public:
  // Longest install message sent, in characters (the wire allows more).
  static constexpr size_t kMaxMessageChars = 2000;

  SyncClient(SyncClientOptions options, FileSystem& fs, Outbox& outbox, BundleManager& bundles,
             net::HttpClient& http, Random& random, Logger& log);

  // Reads the persisted status, if any; an unreadable file is logged and replaced. The first
  // sync is due at once.
  void Load();

  bool Due(int64_t now_ms) const { return now_ms >= status_.next_due_ms; }
  int64_t next_due_ms() const { return status_.next_due_ms; }
  // Makes the next sync due at once (after a rollback, so the server hears of it).
  void SyncSoon() { status_.next_due_ms = 0; }

  // One exchange at `now_ms` (device clock), with the device's `health` ("ok" or "degraded").
  // Returns the failure of the exchange, already counted, logged and scheduled for a retry;
  // a failed download or install does not fail the sync (it is counted and reported).
  Status SyncOnce(int64_t now_ms, std::string_view health = "ok");

  const SyncStatus& status() const { return status_; }

 private:
  api::ReportedState Reported(int64_t now_ms, std::string_view health, const BundleState& state,
                              const OutboxStats& stats) const;
  // The next range from where the server stands; `full` when more records follow it.
  Result<api::SyncBatch> NextBatch(const OutboxStats& stats, bool* full);
  // Keeps the answer's ETag and desired state (and the sync period it sets).
  void TakeDesired(const api::SyncResponse& response);
  Status Fail(int64_t now_ms, const Status& why);
  void NoteRollback(const BundleState& state);
  // Downloads and installs the desired bundle when it is not the running one.
  void ApplyDesired(int64_t now_ms, const BundleState& state);
  void Report(int64_t now_ms, const std::string& digest, api::InstallOutcome outcome,
              std::string message);
  void Persist();

  SyncClientOptions options_;
  FileSystem& fs_;
  Outbox& outbox_;
  BundleManager& bundles_;
  net::HttpClient& http_;
  Random& random_;
  Logger& log_;
  BundleDownload download_;
  SyncStatus status_;
  int64_t period_ms_;
  // The server's acknowledgement from the last answer (capped at what was sent); unknown until
  // the first answer after a start, when the outbox's own acknowledgement stands in.
  std::optional<int64_t> server_acked_;
};

}  // namespace edgeloop::agent
