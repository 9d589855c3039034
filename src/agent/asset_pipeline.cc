#include "agent/asset_pipeline.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace edgeloop::agent {
namespace {

std::vector<std::string> ProcessSignals(const features::FeatureSpec& spec) {
  std::vector<std::string> names;
  for (const features::SignalSpec& s : spec.signals) names.push_back(s.name);
  return names;
}

}  // namespace

Result<AssetPipeline> AssetPipeline::Create(std::shared_ptr<const ActiveModel> model,
                                            std::string asset, const Clock* clock, int top) {
  std::vector<std::string> inputs = ProcessSignals(model->spec);
  EL_ASSIGN_OR_RETURN(features::WindowExtractor extractor,
                      features::WindowExtractor::Create(model->spec, asset, inputs));
  return AssetPipeline(std::move(model), std::move(asset), clock, top, std::move(extractor),
                       std::move(inputs));
}

AssetPipeline::AssetPipeline(std::shared_ptr<const ActiveModel> model, std::string asset,
                             const Clock* clock, int top, features::WindowExtractor extractor,
                             std::vector<std::string> inputs)
    : model_(std::move(model)),
      asset_(std::move(asset)),
      clock_(clock),
      top_(top),
      extractor_(std::move(extractor)),
      input_columns_(std::move(inputs)),
      row_scratch_(input_columns_.size()),
      tracker_(asset_, model_->alert_policy) {}

Status AssetPipeline::Push(const io::SourceRow& row) {
  std::fill(row_scratch_.begin(), row_scratch_.end(), std::numeric_limits<double>::quiet_NaN());
  for (size_t i = 0; i < row.signals.size() && i < row.values.size(); ++i) {
    for (size_t c = 0; c < input_columns_.size(); ++c) {
      if (input_columns_[c] == row.signals[i]) {
        row_scratch_[c] = row.values[i];
        break;
      }
    }
  }
  return extractor_.Push(row.time_ms, row_scratch_.data());
}

Status AssetPipeline::Push(const Waveform& burst) {
  for (const features::SpectralSignalSpec& s : model_->spec.spectral) {
    if (s.name == burst.signal) return extractor_.PushWaveform(burst);
  }
  return Status::Ok();  // a channel this model does not use
}

void AssetPipeline::SetModel(std::shared_ptr<const ActiveModel> model) {
  model_ = std::move(model);
  tracker_ = AlertTracker(asset_, model_->alert_policy);
}

Status AssetPipeline::Flush(int64_t up_to_ms) { return extractor_.Flush(up_to_ms); }

void AssetPipeline::HealthChanges(const features::FeatureRow& row,
                                  std::vector<api::HealthRecord>* out) {
  const double missing_limit = 1.0 - model_->spec.min_coverage;
  for (const ActiveModel::HealthColumns& h : model_->health) {
    api::SensorHealth health = api::SensorHealth::kOk;
    double value = 0;
    auto at = [&](int column) { return column < 0 ? 0.0 : row.values[column]; };
    if (at(h.missing) > missing_limit) {
      health = api::SensorHealth::kMissing;
      value = at(h.missing);
    } else if (at(h.stuck) >= 0.5) {
      health = api::SensorHealth::kStuck;
      value = at(h.stuck);
    } else if (at(h.out_of_range) >= 0.5) {
      health = api::SensorHealth::kOutOfRange;
      value = at(h.out_of_range);
    }
    auto [it, inserted] = health_.emplace(h.signal, api::SensorHealth::kOk);
    (void)inserted;
    if (it->second == health) continue;
    it->second = health;
    out->push_back(api::HealthRecord{asset_, h.signal, health, row.window_end_ms, value});
  }
}

void AssetPipeline::TakeOutcomes(std::vector<WindowOutcome>* out) {
  std::vector<features::FeatureRow> rows = extractor_.TakeRows();
  const size_t width = model_->input_from_column.size();
  for (features::FeatureRow& row : rows) {
    WindowOutcome o;
    o.window_end_ms = row.window_end_ms;
    o.inputs.resize(width);
    model_->SelectInputs(row.values.data(), o.inputs.data());
    HealthChanges(row, &o.health);
    bool any = false;
    for (size_t i : model_->data_inputs) any = any || !std::isnan(o.inputs[i]);
    if (any) {
      const int64_t start = clock_->MonotonicNanos();
      o.score = model_->scorer->Score(o.inputs.data());
      o.score_nanos = clock_->MonotonicNanos() - start;
      o.scored = true;
      std::optional<AlertTracker::Change> change =
          tracker_.Observe(o.window_end_ms, o.score, model_->threshold);
      if (change) {
        api::AlertRecord alert;
        alert.asset = asset_;
        alert.alert_id = change->alert_id;
        alert.state = change->state;
        alert.time_ms = o.window_end_ms;
        alert.score = o.score;
        alert.threshold = model_->threshold;
        alert.bundle_digest = model_->digest;
        alert.model_version = model_->version();
        if (change->state != api::AlertState::kCleared && top_ > 0) {
          alert.top = TopContributions(*model_, o.inputs.data(), top_);
        }
        o.alert = std::move(alert);
      }
    }
    out->push_back(std::move(o));
  }
}

std::vector<api::Contribution> TopContributions(const ActiveModel& model, const double* inputs,
                                                int top) {
  const size_t width = model.input_from_column.size();
  std::vector<double> contributions(width + 1);
  if (!model.scorer->Contributions(inputs, contributions.data()).ok()) return {};
  std::vector<api::Contribution> all;
  for (size_t i = 0; i < width; ++i) {
    if (contributions[i] > 0) all.push_back({model.manifest.input_schema[i], contributions[i]});
  }
  std::sort(all.begin(), all.end(), [](const api::Contribution& a, const api::Contribution& b) {
    return a.value != b.value ? a.value > b.value : a.feature < b.feature;
  });
  if (all.size() > static_cast<size_t>(top)) all.resize(top);
  return all;
}

}  // namespace edgeloop::agent
