// AnomalyTrainer: the training step for the unsupervised anomaly models (PCA T²/Q and isolation
// forest), from the same feature rows and events the tree ensemble trains on.
//
// With failures on record (at least one failure event), the rows are labelled and split exactly
// as for the tree ensemble (dataset.h, without a validation part: the threshold comes from the
// model's own training scores, not from labels). The model is fitted on the healthy training
// rows (not excluded, no failure within the horizon after them), the threshold is the configured
// quantile (or false-alarm rate) of their scores (anomaly_threshold.h), and the test rows are
// scored once and measured with the tree path's metrics (row level at the threshold, debounced
// alerts against the failures, report.h). Without a failure on record there is nothing to label
// or test against: every row fits the model and the result carries no evaluation.
// Scores come from the edge scorer built from the serialized model file (models::LoadScorer),
// so they are the scores a device computes.
//
// Deterministic: the same table, events and configs give the same model bytes, threshold and
// report (the isolation forest draws from its seeded Random only).
// Errors: InvalidArgument for a bad config, table or events (messages name the row or event),
// or task rul_regression; FailedPrecondition when too few rows remain to fit or to test; the
// fitters' errors otherwise. Thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "features/feature_table.h"
#include "io/event.h"
#include "training/anomaly_threshold.h"
#include "training/isolation_forest_fit.h"
#include "training/pca_fit.h"
#include "training/prediction.h"
#include "training/report.h"
#include "training/train_config.h"

namespace edgeloop::training {

enum class AnomalyKind { kPca, kIsolationForest };

// The models:: scorer kind: "pca", "isolation_forest".
std::string_view AnomalyKindName(AnomalyKind kind);
bool ParseAnomalyKind(std::string_view text, AnomalyKind* kind);

struct AnomalyModelConfig {
  AnomalyKind kind = AnomalyKind::kPca;
  PcaFitOptions pca;                            // kind pca
  IsolationForestFitOptions isolation_forest;  // kind isolation_forest
  AnomalyThresholdConfig threshold;            // default: the 0.99 quantile, factor 1
};

Status ValidateAnomalyModelConfig(const AnomalyModelConfig& config);

// Which rows fitted the model.
enum class AnomalyFitRows {
  kHealthyTrainingRows,  // failures on record: healthy rows of the training part
  kAllRows,              // no failure on record: every row
};

// "healthy_training_rows", "all_rows".
std::string_view AnomalyFitRowsName(AnomalyFitRows rows);

struct AnomalyTrainResult {
  AnomalyKind kind = AnomalyKind::kPca;
  std::string model_json;    // the scorer's canonical model file
  std::string model_digest;  // SHA-256 of model_json
  std::vector<std::string> feature_names;
  double threshold = 0;  // warn when score >= threshold
  std::string threshold_reason;
  AnomalyFitRows fit_rows_rule = AnomalyFitRows::kAllRows;
  std::vector<size_t> fit_rows;     // table rows the model was fitted on, ascending
  std::vector<double> fit_scores;   // the model's score of each fit row
  double explained_variance = 0;    // pca: share of variance the kept components explain
  size_t components = 0;            // pca: components kept
  bool evaluated = false;           // failures on record: report and test predictions are set
  EvaluationReport report;
  std::vector<Prediction> test_predictions;  // in table row order
  std::string dataset_digest;
};

// `config` gives the task (classification only), labels, split and alert policy; its threshold,
// validation fraction and XGBoost settings do not apply.
Result<AnomalyTrainResult> TrainAnomaly(const features::FeatureTable& table,
                                        const std::vector<io::Event>& events,
                                        const TrainConfig& config,
                                        const AnomalyModelConfig& model);

}  // namespace edgeloop::training
