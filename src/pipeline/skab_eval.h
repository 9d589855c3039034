// SKAB evaluation: edgeloop's anomaly models on the Skoltech Anomaly Benchmark, with SKAB's
// official protocol, in numbers comparable to the published leaderboard.
//
// Every labelled `*.csv` in DIR and its sub-folders (SKAB's layout: <folder>/<n>.csv; files
// without label columns, such as anomaly-free.csv, are skipped) is evaluated on its own: feature
// rows are computed over the file's rows (SkabFeatureConfig), the model (PCA T²/Q or isolation
// forest) and its threshold are fitted on the first train_rows (400) rows only, every later row
// is scored and turned into a binary prediction by the alert rule. The test rows of all files are
// pooled for F1 / FAR / MAR and NAB scores (training/skab_metrics.h), overall and per folder.
// The same config applies to every file; nothing depends on the labels except the metrics.
//
// A pure function of the config and the files: the same call gives the same report.
// Errors: the FileSystem's and the SKAB reader's errors; InvalidArgument for a bad config, a
// folder without labelled files, a file not longer than train_rows or missing a configured
// signal; fitting errors naming the file.
#pragma once

#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/readings.h"
#include "base/status.h"
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

struct SkabFileResult {
  std::string name;  // "<folder>/<stem>"
  size_t rows = 0;
  double threshold = 0;
  training::SkabSeries series;  // the test rows, with predictions
};

struct SkabReport {
  SkabEvalConfig config;
  std::vector<std::string> feature_names;
  std::vector<SkabFileResult> files;  // sorted by name
  std::vector<SkabScores> folders;    // sorted by name
  SkabScores overall;
};

// The feature rows of one file (rows x feature_names.size(), row-major) for `config`.
Result<std::vector<double>> SkabFeatureRows(const AssetReadings& readings,
                                            const SkabFeatureConfig& config,
                                            std::vector<std::string>* feature_names);

// Binary predictions from scores by the alert rule (see SkabAlertConfig).
std::vector<double> SkabAlertPredictions(const std::vector<double>& scores, double threshold,
                                         const SkabAlertConfig& alert);

Result<SkabReport> EvaluateSkab(const std::string& data_dir, const SkabEvalConfig& config,
                                FileSystem& fs);

}  // namespace edgeloop::pipeline
