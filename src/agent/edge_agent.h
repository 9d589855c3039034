// EdgeAgent: the device's loop — sources → per-asset pipelines (features, score, alerts, sensor
// health) → outbox — with the bundle manager deciding which model runs.
//
// The composition root (apps/edgeloop-agent) builds the seams and calls RunOnce until it returns
// no next time (every source is exhausted) or it is asked to stop, sleeping until the returned
// time in between; tests drive it with a SimulatedClock and never sleep.
//
// One RunOnce: re-reads the bundle state when its generation changed (an install by another
// process, or a rollback) and switches models; polls every due source; feeds each row and burst
// to its asset's pipeline; closes the windows of live sources up to now minus the lateness; and
// writes every completed window's records together with the assets' checkpoints in ONE outbox
// transaction. On start it reads the checkpoints back, asks replayable sources to resume a little
// before them (so windows can warm up) and drops the windows it had already written: after a
// kill -9, nothing committed is lost and nothing is written twice.
//
// Sync: with a SyncClient set, a turn that finds it due (by the injected clock) runs one sync
// after writing its records, so what the turn wrote goes out at once; a failed sync is the sync
// client's to count and retry, and scoring goes on. An install it makes is picked up at the next
// turn like any other; a rollback after probation makes the next sync due at once.
//
// Probation: the first windows of a newly switched bundle are watched (probation.h); a failing
// bundle is rolled back to the previous one and rejected, and the agent goes on with it.
//
// RunOnce and Start are for one thread; Snapshot and Score are thread-safe (the local HTTP API
// calls them). Errors: those of the outbox (the loop cannot record, so it must stop); source
// and pipeline problems are counted and logged, not returned.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/active_model.h"
#include "agent/asset_pipeline.h"
#include "agent/bundle_manager.h"
#include "agent/outbox.h"
#include "agent/probation.h"
#include "agent/sync_client.h"
#include "api/score_api.h"
#include "base/clock.h"
#include "base/log.h"
#include "io/source.h"

namespace edgeloop::agent {

struct EdgeAgentOptions {
  std::string device_id;
  int top_contributions = 5;
  bool feature_rows = true;           // write feature rows to the outbox
  int64_t live_lateness_ms = 5'000;   // live sources: close windows this long after their end
  int64_t resume_warmup_windows = 8;  // replay this many windows before a checkpoint on restart
  int64_t idle_poll_ms = 1'000;       // next turn when no source says otherwise
  ProbationPolicy probation;
};

// What the loop has done, for /healthz, /metrics and `edgeloop-agent status`.
struct AgentSnapshot {
  std::string device_id;
  int64_t started_ms = 0;
  int64_t now_ms = 0;
  std::string bundle_digest;  // "" when no model runs
  std::string bundle_name;
  int64_t bundle_version = 0;
  bool on_probation = false;
  int64_t bundle_switches = 0;
  int64_t rollbacks = 0;
  std::string last_bundle_event;
  int64_t rows_total = 0;
  int64_t bursts_total = 0;
  int64_t rows_rejected = 0;        // refused by the extractor (time going backwards, late)
  int64_t rows_without_model = 0;   // arrived while no bundle was installed
  int64_t windows_total = 0;
  int64_t scores_total = 0;
  int64_t score_errors_total = 0;   // non-finite scores
  int64_t alerts_raised_total = 0;
  int64_t alerts_open = 0;
  int64_t sensor_faults_open = 0;
  int64_t source_errors_total = 0;
  std::string last_source_error;
  int64_t score_latency_p50_ns = 0;  // over the last 1024 scores
  int64_t score_latency_p99_ns = 0;
  OutboxStats outbox;
  int64_t assets = 0;
};

class EdgeAgent {
 public:
  EdgeAgent(EdgeAgentOptions options, const Clock& clock, Outbox& outbox, BundleManager& bundles,
            Logger& log);

  // `live`: the source's time is the clock's (Modbus, MQTT, real-time replay); windows are then
  // closed by the clock as well as by arriving readings.
  void AddSource(std::unique_ptr<io::Source> source, bool live);
  // Syncs through `sync` (not owned; alive while the agent runs) when it is due; null: offline.
  void SetSyncClient(SyncClient* sync) { sync_ = sync; }

  // Loads the active bundle (if any) and the checkpoints.
  Status Start();
  // One turn; returns the clock time of the next turn, or nullopt when every source is done
  // and there is no sync client (with one, the turn that finds every source done drains the
  // windows as Drain does, and later turns keep syncing until the caller stops).
  Result<std::optional<int64_t>> RunOnce();
  // Closes every open window of every asset up to its last reading and records them (the end of
  // a replay).
  Status Drain();

  AgentSnapshot Snapshot() const;
  // Scores a request with the running model; FailedPrecondition when no bundle is installed.
  Result<api::ScoreResponse> Score(const api::ScoreRequest& request) const;

 private:
  struct SourceSlot {
    std::unique_ptr<io::Source> source;
    bool live = false;
    bool done = false;
    int64_t next_due_ms = 0;
    std::set<std::string> assets;
  };
  struct AssetSlot {
    std::optional<AssetPipeline> pipeline;
    int64_t last_time_ms = INT64_MIN;
    bool live = false;
  };

  Status CheckBundleState();
  Status SwitchModel(std::shared_ptr<const ActiveModel> model);
  AssetSlot& Asset(const std::string& asset);
  void Feed(const io::SourceBatch& batch, bool live);
  Status Collect();
  void Count(const WindowOutcome& outcome, const std::string& asset);
  void PublishSnapshot();

  EdgeAgentOptions options_;
  const Clock& clock_;
  Outbox& outbox_;
  BundleManager& bundles_;
  Logger& log_;
  SyncClient* sync_ = nullptr;
  int64_t source_errors_at_sync_ = 0;

  std::vector<SourceSlot> sources_;
  std::map<std::string, AssetSlot> assets_;
  std::map<std::string, int64_t> checkpoints_;
  int64_t state_generation_ = -1;
  std::optional<Probation> probation_;
  std::vector<int64_t> recent_latency_ns_;
  size_t latency_cursor_ = 0;
  std::map<std::string, std::set<std::string>> faults_;  // asset -> unhealthy signals
  bool outbox_changed_ = true;  // the outbox stats in counters_ are stale
  bool drained_ = false;        // every source ended and the last windows were recorded
  std::set<std::string> open_alerts_;

  mutable std::mutex mu_;  // guards model_ and snapshot_
  std::shared_ptr<const ActiveModel> model_;
  AgentSnapshot snapshot_;
  AgentSnapshot counters_;  // the loop's own copy, published into snapshot_
};

}  // namespace edgeloop::agent
