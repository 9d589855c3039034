#include "agent/offline_scoring.h"

#include <algorithm>
#include <map>
#include <utility>

#include "agent/alert_tracker.h"
#include "agent/asset_pipeline.h"

namespace edgeloop::agent {

Result<std::vector<OfflineScore>> ScoreReadings(const std::shared_ptr<const ActiveModel>& model,
                                                const std::vector<AssetReadings>& readings,
                                                const std::vector<Waveform>& waveforms,
                                                const Clock& clock, int top) {
  std::vector<OfflineScore> out;
  for (const AssetReadings& asset : readings) {
    EL_ASSIGN_OR_RETURN(AssetPipeline pipeline, AssetPipeline::Create(model, asset.asset, &clock, top));
    // Bursts and rows go in time order, as a device receives them.
    std::vector<const Waveform*> bursts;
    for (const Waveform& w : waveforms) {
      if (w.asset == asset.asset) bursts.push_back(&w);
    }
    std::stable_sort(bursts.begin(), bursts.end(),
                     [](const Waveform* a, const Waveform* b) { return a->start_ms < b->start_ms; });
    size_t next_burst = 0;
    io::SourceRow row;
    row.asset = asset.asset;
    row.signals = asset.signals;
    row.values.resize(asset.signals.size());
    for (size_t i = 0; i < asset.rows(); ++i) {
      while (next_burst < bursts.size() && bursts[next_burst]->start_ms <= asset.time_ms[i]) {
        Status pushed = pipeline.Push(*bursts[next_burst++]);
        if (!pushed.ok()) return pushed.WithContext("asset " + asset.asset);
      }
      row.time_ms = asset.time_ms[i];
      for (size_t s = 0; s < asset.signals.size(); ++s) row.values[s] = asset.values[s][i];
      Status pushed = pipeline.Push(row);
      if (!pushed.ok()) return pushed.WithContext("asset " + asset.asset);
    }
    if (asset.rows() > 0) EL_RETURN_IF_ERROR(pipeline.Flush(asset.time_ms.back()));
    std::vector<WindowOutcome> outcomes;
    pipeline.TakeOutcomes(&outcomes);
    for (WindowOutcome& o : outcomes) {
      OfflineScore s;
      s.asset = asset.asset;
      s.time_ms = o.window_end_ms;
      s.scored = o.scored;
      s.score = o.score;
      s.over = o.scored && o.score >= model->threshold;
      if (o.alert) {
        s.alert = std::string(api::AlertStateName(o.alert->state));
        s.alert_id = o.alert->alert_id;
        s.top = std::move(o.alert->top);
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

Result<std::vector<OfflineScore>> ScoreFeatureRows(const std::shared_ptr<const ActiveModel>& model,
                                                   const std::vector<std::string>& assets,
                                                   const std::vector<int64_t>& times,
                                                   const std::vector<std::vector<double>>& rows,
                                                   int top) {
  const size_t width = model->manifest.input_schema.size();
  std::map<std::string, AlertTracker> trackers;
  std::vector<OfflineScore> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != width) {
      return InvalidArgument("feature row " + std::to_string(i + 1) + " has " +
                             std::to_string(rows[i].size()) + " values, the model takes " +
                             std::to_string(width));
    }
    OfflineScore s;
    s.asset = i < assets.size() ? assets[i] : "";
    s.time_ms = i < times.size() ? times[i] : 0;
    s.scored = true;
    s.score = model->scorer->Score(rows[i].data());
    s.over = s.score >= model->threshold;
    auto it = trackers.try_emplace(s.asset, s.asset, model->alert_policy).first;
    std::optional<AlertTracker::Change> change = it->second.Observe(s.time_ms, s.score, model->threshold);
    if (change) {
      s.alert = std::string(api::AlertStateName(change->state));
      s.alert_id = change->alert_id;
      if (change->state != api::AlertState::kCleared && top > 0) {
        s.top = TopContributions(*model, rows[i].data(), top);
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace edgeloop::agent
