// SKAB evaluation: edgeloop's anomaly models on the Skoltech Anomaly Benchmark, with SKAB's
// official protocol, in numbers comparable to the published leaderboard.
//
// Every labelled `*.csv` in DIR and its sub-folders (SKAB's layout: <folder>/<n>.csv; files
// without label columns, such as anomaly-free.csv, are skipped) is evaluated on its own. Features
// come from the one feature path: SkabFeatureSpec turns SkabFeatureConfig into a FeatureSpec
// (windows of window_rows seconds, hop 1 s) and features::ExtractFeatures computes one feature
// row per 1 s window, exactly as the edge agent does. Each file row takes the row of the window
// ending at its timestamp. The model (PCA T²/Q or isolation forest) and its threshold are fitted
// on the window rows of the first train_rows (400) file rows only. Every window is scored and the
// alert rule runs over the scored windows in time order, as agent::AlertTracker does on a device
// (windows whose inputs are all missing are skipped, as the device skips them); a test row is
// predicted anomalous when an alert is open at its window. The test rows of all files are pooled
// for F1 / FAR / MAR and NAB scores (training/skab_metrics.h), overall and per folder. The same
// config applies to every file; nothing depends on the labels except the metrics.
//
// A pure function of the config and the files: the same call gives the same report.
// Errors: the FileSystem's and the SKAB reader's errors; InvalidArgument for a bad config, a
// folder without labelled files, a file not longer than train_rows or missing a configured
// signal; fitting errors naming the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_system.h"
#include "base/readings.h"
#include "base/status.h"
#include "features/feature_spec.h"
#include "io/skab_reader.h"
#include "models/scorer.h"
#include "pipeline/skab_eval_config.h"
#include "training/skab_metrics.h"

namespace edgeloop::pipeline {

struct SkabScores {
  std::string name;  // folder name, or "overall"
  size_t files = 0;
  size_t test_rows = 0;
  training::SkabOutlierMetrics outliers;
  training::SkabNabScores nab;
};

// One change of a file's alert state in its test part (window end times).
struct SkabAlertChange {
  int64_t time_ms = 0;
  bool raised = false;  // false: cleared
  bool operator==(const SkabAlertChange&) const = default;
};

struct SkabFileResult {
  std::string name;  // "<folder>/<stem>"
  size_t rows = 0;
  double threshold = 0;
  training::SkabSeries series;  // the test rows, with predictions
  // Raised / cleared at windows ending at or after the first test row, oldest first.
  std::vector<SkabAlertChange> alerts;
};

struct SkabReport {
  SkabEvalConfig config;
  std::vector<std::string> feature_names;
  std::vector<SkabFileResult> files;  // sorted by name
  std::vector<SkabScores> folders;    // sorted by name
  SkabScores overall;
};

// The feature spec of `config`: window window_rows s, hop 1 s, period 1 s, min_coverage 0; each
// level signal with [mean]; each rate signal with [mean] and a delta over rate_lag_rows windows
// (the mean of x[t] - x[t - lag] over the window equals the change of the window mean). Signal
// names per io::SkabSignalName (the agent's SKAB replay names its signals the same way).
// InvalidArgument when a signal is listed twice.
Result<features::FeatureSpec> SkabFeatureSpec(const SkabFeatureConfig& config);
// The model's inputs, a subset of the spec's columns: `<s>__mean` per level signal, then
// `<s>__mean__delta` per rate signal.
std::vector<std::string> SkabModelInputs(const SkabFeatureConfig& config);

// The feature rows of one file: one per 1 s window, from the first row's window to the last's.
struct SkabFeatures {
  std::vector<std::string> names;      // SkabModelInputs
  std::vector<int64_t> window_end_ms;  // per window
  std::vector<double> values;          // windows x names.size(), row-major
  std::vector<size_t> row_window;      // per file row: the window ending at its timestamp
  const double* Row(size_t window) const { return values.data() + window * names.size(); }
};
// InvalidArgument when a configured signal is not in the readings (names after io::SkabSignalName).
Result<SkabFeatures> SkabFeatureRows(const AssetReadings& readings,
                                     const SkabFeatureConfig& config);

// The model of one file, fitted on its first train_rows rows exactly as EvaluateSkab fits it.
struct SkabFittedFile {
  SkabFeatures features;
  std::unique_ptr<models::Scorer> scorer;
  std::string model_json;  // the fitted model's file (models::LoadScorer of model_kind reads it)
  double threshold = 0;
  std::vector<size_t> training_windows;  // the windows the model was fitted on
};
Result<SkabFittedFile> FitSkabFile(const io::SkabFile& file, const SkabEvalConfig& config);

// Binary predictions from scores by the alert rule (see SkabAlertConfig).
std::vector<double> SkabAlertPredictions(const std::vector<double>& scores, double threshold,
                                         const SkabAlertConfig& alert);

Result<SkabReport> EvaluateSkab(const std::string& data_dir, const SkabEvalConfig& config,
                                FileSystem& fs);

}  // namespace edgeloop::pipeline
