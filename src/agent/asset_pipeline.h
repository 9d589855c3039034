// AssetPipeline: one asset on the device — readings and bursts in, scored windows out.
//
// Readings go through features::WindowExtractor (the extractor training uses, so features are
// bit-identical to the batch path), each closed window is scored by the active model, passed
// through the asset's AlertTracker, and its sensor-health flags are compared with the previous
// window's. An alert that is raised or resumed names its top contributing features (TreeSHAP
// for tree models, computed here on the device). A window whose data inputs (all but the health
// flags) are all missing is not scored (the sensors were silent; health records say why).
//
// Owns its extractor and tracker; refers to the shared, immutable ActiveModel. Not thread-safe.
// Errors: InvalidArgument from the extractor (time going backwards, a reading in a closed window);
// nothing is changed by a call that fails.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/active_model.h"
#include "agent/alert_tracker.h"
#include "api/records.h"
#include "base/clock.h"
#include "base/readings.h"
#include "features/window_extractor.h"
#include "io/source.h"

namespace edgeloop::agent {

struct WindowOutcome {
  int64_t window_end_ms = 0;
  std::vector<double> inputs;  // the model's input row
  bool scored = false;
  double score = 0;
  int64_t score_nanos = 0;  // time Score took, by the clock's monotonic time
  std::optional<api::AlertRecord> alert;
  std::vector<api::HealthRecord> health;
};

class AssetPipeline {
 public:
  // `top_contributions`: features named in each alert (0: none).
  static Result<AssetPipeline> Create(std::shared_ptr<const ActiveModel> model, std::string asset,
                                      const Clock* clock, int top_contributions = 5);

  Status Push(const io::SourceRow& row);
  Status Push(const Waveform& burst);
  // Closes the windows that end at or before `up_to_ms`.
  Status Flush(int64_t up_to_ms);
  // Scores the windows closed so far and appends their outcomes (oldest first).
  void TakeOutcomes(std::vector<WindowOutcome>* out);
  // Switches to a model with the same feature spec (digest) without losing the open windows;
  // the alert state starts over (the threshold and policy may differ).
  void SetModel(std::shared_ptr<const ActiveModel> model);

  const std::string& asset() const { return asset_; }
  const ActiveModel& model() const { return *model_; }
  // End of the last closed window (INT64_MIN before the first reading).
  int64_t closed_through_ms() const { return extractor_.closed_through_ms(); }

 private:
  AssetPipeline(std::shared_ptr<const ActiveModel> model, std::string asset, const Clock* clock,
                int top, features::WindowExtractor extractor, std::vector<std::string> inputs);
  void HealthChanges(const features::FeatureRow& row, std::vector<api::HealthRecord>* out);

  std::shared_ptr<const ActiveModel> model_;
  std::string asset_;
  const Clock* clock_;
  int top_;
  features::WindowExtractor extractor_;
  std::vector<std::string> input_columns_;
  std::vector<double> row_scratch_;
  AlertTracker tracker_;
  std::map<std::string, api::SensorHealth> health_;
};

// The `top` largest positive contributions of a row (by value, ties by name), with feature names.
std::vector<api::Contribution> TopContributions(const ActiveModel& model, const double* inputs,
                                                int top);

}  // namespace edgeloop::agent
