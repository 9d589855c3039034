#include "agent/edge_agent.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "agent/request_scoring.h"
#include "base/sha256.h"

namespace edgeloop::agent {
namespace {

constexpr size_t kLatencyWindow = 1024;

int64_t Percentile(std::vector<int64_t> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::min(index == 0 ? 0 : index - 1, values.size() - 1)];
}

}  // namespace

EdgeAgent::EdgeAgent(EdgeAgentOptions options, const Clock& clock, Outbox& outbox,
                     BundleManager& bundles, Logger& log)
    : options_(std::move(options)), clock_(clock), outbox_(outbox), bundles_(bundles), log_(log) {
  counters_.device_id = options_.device_id;
  counters_.started_ms = clock_.NowMillis();
}

void EdgeAgent::AddSource(std::unique_ptr<io::Source> source, bool live) {
  SourceSlot slot;
  slot.source = std::move(source);
  slot.live = live;
  sources_.push_back(std::move(slot));
}

Status EdgeAgent::Start() {
  EL_ASSIGN_OR_RETURN(checkpoints_, outbox_.Checkpoints());
  EL_RETURN_IF_ERROR(CheckBundleState());
  // Replayable sources start a little before each checkpoint so the windows after it warm up;
  // the windows at or before it were written already and are dropped in Collect.
  int64_t back_ms = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (model_) {
      back_ms = model_->spec.window_length_ms + options_.resume_warmup_windows * model_->spec.hop_ms;
    }
  }
  for (SourceSlot& slot : sources_) {
    for (const auto& [asset, through] : checkpoints_) slot.source->ResumeAfter(asset, through - back_ms);
  }
  PublishSnapshot();
  return Status::Ok();
}

Status EdgeAgent::CheckBundleState() {
  Result<BundleState> state = bundles_.ReadState();
  if (!state.ok()) {
    log_.Warn("cannot read bundle state: " + std::string(state.status().message()));
    return Status::Ok();
  }
  counters_.on_probation = state->on_probation;
  counters_.last_bundle_event = state->last_change;
  if (state->generation == state_generation_) return Status::Ok();
  state_generation_ = state->generation;
  if (state->active.empty()) return Status::Ok();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (model_ && model_->digest == state->active) {
      if (!state->on_probation) probation_.reset();
      return Status::Ok();
    }
  }
  Result<std::shared_ptr<const ActiveModel>> loaded = bundles_.LoadActive();
  if (!loaded.ok()) {
    log_.Error("cannot load the active bundle, keeping the running one: " +
               std::string(loaded.status().message()));
    return Status::Ok();
  }
  EL_RETURN_IF_ERROR(SwitchModel(*loaded));
  Result<BundleState> after = bundles_.ReadState();  // LoadActive may have rolled back
  if (after.ok()) {
    state_generation_ = after->generation;
    counters_.on_probation = after->on_probation && after->active == (*loaded)->digest;
    counters_.last_bundle_event = after->last_change;
  }
  if (counters_.on_probation) {
    probation_.emplace(options_.probation);
  } else {
    probation_.reset();
  }
  return Status::Ok();
}

Status EdgeAgent::SwitchModel(std::shared_ptr<const ActiveModel> model) {
  std::shared_ptr<const ActiveModel> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = model_;
    model_ = model;
  }
  const bool same_spec = old && old->manifest.feature_spec_digest == model->manifest.feature_spec_digest;
  for (auto& [asset, slot] : assets_) {
    if (!slot.pipeline) continue;
    if (same_spec) {
      slot.pipeline->SetModel(model);
    } else {
      slot.pipeline.reset();  // recreated at the asset's next reading
    }
  }
  open_alerts_.clear();
  counters_.bundle_digest = model->digest;
  counters_.bundle_name = model->name();
  counters_.bundle_version = model->version();
  if (old) ++counters_.bundle_switches;
  log_.Info("running bundle " + model->name() + " v" + std::to_string(model->version()) + " (" +
            ShortDigest(model->digest) + ")");
  return Status::Ok();
}

EdgeAgent::AssetSlot& EdgeAgent::Asset(const std::string& asset) { return assets_[asset]; }

void EdgeAgent::Feed(const io::SourceBatch& batch, bool live) {
  std::shared_ptr<const ActiveModel> model;
  {
    std::lock_guard<std::mutex> lock(mu_);
    model = model_;
  }
  auto pipeline_for = [&](const std::string& asset) -> AssetPipeline* {
    AssetSlot& slot = Asset(asset);
    slot.live = slot.live || live;
    if (!model) return nullptr;
    if (!slot.pipeline) {
      Result<AssetPipeline> created =
          AssetPipeline::Create(model, asset, &clock_, options_.top_contributions);
      if (!created.ok()) {
        log_.Error("asset " + asset + ": " + std::string(created.status().message()));
        return nullptr;
      }
      slot.pipeline.emplace(std::move(*created));
    }
    return &*slot.pipeline;
  };
  for (const io::SourceRow& row : batch.rows) {
    ++counters_.rows_total;
    AssetPipeline* p = pipeline_for(row.asset);
    if (!p) {
      ++counters_.rows_without_model;
      continue;
    }
    Status pushed = p->Push(row);
    if (!pushed.ok()) {
      if (++counters_.rows_rejected <= 10) log_.Warn(std::string(pushed.message()));
      continue;
    }
    AssetSlot& slot = Asset(row.asset);
    slot.last_time_ms = std::max(slot.last_time_ms, row.time_ms);
  }
  for (const Waveform& burst : batch.bursts) {
    ++counters_.bursts_total;
    AssetPipeline* p = pipeline_for(burst.asset);
    if (!p) continue;
    Status pushed = p->Push(burst);
    if (!pushed.ok() && ++counters_.rows_rejected <= 10) log_.Warn(std::string(pushed.message()));
  }
}

void EdgeAgent::Count(const WindowOutcome& o, const std::string& asset) {
  ++counters_.windows_total;
  if (o.scored) {
    ++counters_.scores_total;
    if (!std::isfinite(o.score)) ++counters_.score_errors_total;
    if (recent_latency_ns_.size() < kLatencyWindow) {
      recent_latency_ns_.push_back(o.score_nanos);
    } else {
      recent_latency_ns_[latency_cursor_++ % kLatencyWindow] = o.score_nanos;
    }
    if (probation_) probation_->Observe(o.score, o.score_nanos);
  }
  if (o.alert) {
    if (o.alert->state == api::AlertState::kRaised) ++counters_.alerts_raised_total;
    if (o.alert->state == api::AlertState::kCleared) {
      open_alerts_.erase(o.alert->alert_id);
    } else {
      open_alerts_.insert(o.alert->alert_id);
    }
  }
  for (const api::HealthRecord& h : o.health) {
    if (h.health == api::SensorHealth::kOk) {
      faults_[asset].erase(h.signal);
    } else {
      faults_[asset].insert(h.signal);
    }
  }
}

Status EdgeAgent::Collect() {
  std::vector<OutboxEntry> entries;
  std::map<std::string, int64_t> checkpoints;
  std::vector<WindowOutcome> outcomes;
  for (auto& [asset, slot] : assets_) {
    if (!slot.pipeline) continue;
    outcomes.clear();
    slot.pipeline->TakeOutcomes(&outcomes);
    if (outcomes.empty()) continue;
    const ActiveModel& model = slot.pipeline->model();
    auto cp = checkpoints_.find(asset);
    const int64_t done_through = cp == checkpoints_.end() ? INT64_MIN : cp->second;
    for (const WindowOutcome& o : outcomes) {
      if (o.window_end_ms <= done_through) continue;  // written before a restart
      Count(o, asset);
      if (options_.feature_rows) {
        api::FeatureRecord f{asset, o.window_end_ms, model.manifest.feature_spec_digest, o.inputs};
        entries.push_back({api::RecordKind::kFeatures, asset, o.window_end_ms, api::ToJson(f)});
      }
      if (o.scored) {
        api::ScoreRecord s{asset, o.window_end_ms, o.score, model.threshold, model.digest,
                           model.version()};
        entries.push_back({api::RecordKind::kScore, asset, o.window_end_ms, api::ToJson(s)});
      }
      for (const api::HealthRecord& h : o.health) {
        entries.push_back({api::RecordKind::kHealth, asset, h.time_ms, api::ToJson(h)});
      }
      if (o.alert) {
        entries.push_back({api::RecordKind::kAlert, asset, o.alert->time_ms, api::ToJson(*o.alert)});
      }
      checkpoints[asset] = o.window_end_ms;
    }
  }
  if (entries.empty() && checkpoints.empty()) return Status::Ok();
  EL_ASSIGN_OR_RETURN(int64_t last_seq, outbox_.Append(entries, checkpoints));
  outbox_changed_ = true;
  (void)last_seq;
  for (const auto& [asset, through] : checkpoints) checkpoints_[asset] = through;
  return Status::Ok();
}

Result<std::optional<int64_t>> EdgeAgent::RunOnce() {
  EL_RETURN_IF_ERROR(CheckBundleState());
  const int64_t now = clock_.NowMillis();
  io::SourceBatch batch;
  bool any_open = false;
  std::optional<int64_t> next;
  for (SourceSlot& slot : sources_) {
    if (slot.done) continue;
    if (now >= slot.next_due_ms) {
      batch.clear();
      Status polled = slot.source->Poll(now, &batch);
      if (!polled.ok()) {
        ++counters_.source_errors_total;
        counters_.last_source_error = std::string(slot.source->kind()) + ": " +
                                      std::string(polled.message());
      }
      Feed(batch, slot.live);
      std::optional<int64_t> due = slot.source->NextDueMs(now);
      if (!due) {
        slot.done = true;
        continue;
      }
      slot.next_due_ms = std::max(*due, now);
      if (!polled.ok()) slot.next_due_ms = std::max(slot.next_due_ms, now + options_.idle_poll_ms);
    }
    any_open = true;
    next = next ? std::min(*next, slot.next_due_ms) : slot.next_due_ms;
  }
  for (auto& [asset, slot] : assets_) {
    if (slot.live && slot.pipeline) {
      Status flushed = slot.pipeline->Flush(now - options_.live_lateness_ms);
      if (!flushed.ok()) log_.Warn(std::string(flushed.message()));
    }
  }
  EL_RETURN_IF_ERROR(Collect());
  // With a server the device stays up after its sources end: it closes the last windows once,
  // then keeps syncing (the rest of its outbox, its desired state) until it is stopped.
  if (!any_open && sync_ && !drained_) {
    EL_RETURN_IF_ERROR(Drain());
    drained_ = true;
  }
  if (probation_) {
    Probation::Verdict verdict = probation_->verdict();
    std::string digest;
    {
      std::lock_guard<std::mutex> lock(mu_);
      digest = model_ ? model_->digest : "";
    }
    if (verdict == Probation::Verdict::kPass) {
      EL_RETURN_IF_ERROR(bundles_.PassProbation(digest));
      log_.Info("bundle " + ShortDigest(digest) + " passed probation: " + probation_->Explain());
      probation_.reset();
    } else if (verdict == Probation::Verdict::kFail) {
      const std::string why = probation_->Explain();
      probation_.reset();
      Status rolled = bundles_.RollBack(digest, "probation failed: " + why);
      if (rolled.ok()) {
        ++counters_.rollbacks;
        log_.Warn("bundle " + ShortDigest(digest) + " failed probation (" + why + "); rolled back");
      } else {
        log_.Error("bundle " + ShortDigest(digest) + " failed probation (" + why +
                   ") and cannot be rolled back: " + std::string(rolled.message()));
      }
      if (sync_) sync_->SyncSoon();
      EL_RETURN_IF_ERROR(CheckBundleState());
    }
  }
  if (sync_ && sync_->Due(now)) {
    // Degraded: a sensor fault is open or a source failed since the last sync.
    bool degraded = counters_.source_errors_total > source_errors_at_sync_;
    for (const auto& [asset, signals] : faults_) degraded = degraded || !signals.empty();
    source_errors_at_sync_ = counters_.source_errors_total;
    (void)sync_->SyncOnce(now, degraded ? "degraded" : "ok");  // counted and logged there
    outbox_changed_ = true;
  }
  PublishSnapshot();
  if (!any_open && !sync_) return std::optional<int64_t>();
  // Come back within idle_poll_ms even when every source is due later (a real-time replay of
  // 10-minute data, a slow PLC period): the next turn is also when an install by another process
  // or an operator's rollback is noticed, and that must not wait for the next reading.
  int64_t idle_turn = now + options_.idle_poll_ms;
  if (sync_) idle_turn = std::min(idle_turn, std::max(now, sync_->next_due_ms()));
  return std::optional<int64_t>(next ? std::min(*next, idle_turn) : idle_turn);
}

Status EdgeAgent::Drain() {
  for (auto& [asset, slot] : assets_) {
    if (slot.pipeline && slot.last_time_ms != INT64_MIN) {
      Status flushed = slot.pipeline->Flush(slot.last_time_ms);
      if (!flushed.ok()) log_.Warn(std::string(flushed.message()));
    }
  }
  EL_RETURN_IF_ERROR(Collect());
  PublishSnapshot();
  return Status::Ok();
}

void EdgeAgent::PublishSnapshot() {
  counters_.now_ms = clock_.NowMillis();
  counters_.score_latency_p50_ns = Percentile(recent_latency_ns_, 0.50);
  counters_.score_latency_p99_ns = Percentile(recent_latency_ns_, 0.99);
  counters_.alerts_open = static_cast<int64_t>(open_alerts_.size());
  int64_t faults = 0;
  for (const auto& [asset, signals] : faults_) faults += static_cast<int64_t>(signals.size());
  counters_.sensor_faults_open = faults;
  counters_.assets = static_cast<int64_t>(assets_.size());
  // Counting the outbox is a query over every pending record: only after it changed, not on
  // every idle turn.
  if (outbox_changed_) {
    Result<OutboxStats> stats = outbox_.Stats();
    if (stats.ok()) {
      counters_.outbox = *stats;
      outbox_changed_ = false;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_ = counters_;
}

AgentSnapshot EdgeAgent::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

Result<api::ScoreResponse> EdgeAgent::Score(const api::ScoreRequest& request) const {
  std::shared_ptr<const ActiveModel> model;
  {
    std::lock_guard<std::mutex> lock(mu_);
    model = model_;
  }
  if (!model) return FailedPrecondition("no bundle is installed on this device");
  return ScoreRequestWith(model, request, clock_);
}

}  // namespace edgeloop::agent
