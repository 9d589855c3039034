// SkabEvalConfig: the settings of an `edgeloop eval skab` run — features, model kind and
// parameters, threshold rule and alert smoothing — chosen once and applied to every file.
//
// The defaults are the repository's fixed configuration (examples/skab.yaml parses to exactly
// these values; a test checks it). YAML layout: see examples/skab.yaml. A plain value.
// ParseSkabEvalConfig returns InvalidArgument "<source>:<line>: <what was expected>" for unknown
// keys, wrong types or values out of range.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "training/anomaly_threshold.h"
#include "training/isolation_forest_fit.h"
#include "training/pca_fit.h"

namespace edgeloop::pipeline {

// Per-row features over the 1 Hz SKAB rows: for each level signal the mean of the last
// window_rows values; for each rate signal the mean over the same window of x[t] - x[t - lag].
struct SkabFeatureConfig {
  int window_rows = 10;
  std::vector<std::string> level_signals = {"Accelerometer1RMS", "Accelerometer2RMS", "Current",
                                            "Pressure",          "Voltage",
                                            "Volume Flow RateRMS"};
  std::vector<std::string> rate_signals = {"Temperature", "Thermocouple"};
  int rate_lag_rows = 60;
};

// A row is "over" when its score is at or above the threshold; with k-of-n smoothing an alert
// starts when k of the last n rows are over, and it clears when that no longer holds and the
// score falls below release_ratio x threshold (release_ratio 1 = no hysteresis).
struct SkabAlertConfig {
  int k = 1;
  int n = 1;
  double release_ratio = 0.5;
};

struct SkabEvalConfig {
  std::string model_kind = "pca";  // "pca" or "isolation_forest"
  training::PcaFitOptions pca;
  training::AnomalyThresholdConfig pca_threshold{training::AnomalyThresholdRule::kQuantile, 0.99,
                                                 0.01, 6.0};
  training::IsolationForestFitOptions isolation_forest;
  training::AnomalyThresholdConfig isolation_forest_threshold{
      training::AnomalyThresholdRule::kQuantile, 0.99, 0.01, 1.1};
  SkabFeatureConfig features;
  SkabAlertConfig alert;
  int train_rows = 400;  // SKAB's protocol: fit on the first 400 rows of each file

  const training::AnomalyThresholdConfig& threshold() const {
    return model_kind == "pca" ? pca_threshold : isolation_forest_threshold;
  }
};

Status ValidateSkabEvalConfig(const SkabEvalConfig& config);

// Keys absent from the text keep their default.
Result<SkabEvalConfig> ParseSkabEvalConfig(std::string_view text, std::string_view source);

}  // namespace edgeloop::pipeline
