// Trainer: the whole training step, from feature rows and events to a model, its threshold and
// an evaluation report.
//
// Train labels the rows (labels.h), splits them into train, validation and test (dataset.h),
// fits XGBoost on the train rows, scores the validation rows to choose the threshold
// (threshold.h, classification only), scores the test rows once and measures them (metrics.h,
// maintenance_metrics.h, report.h). RUL regression and a fixed threshold need no validation
// rows, so then validation_fraction is ignored and the whole training part fits the model.
// The model is NOT retrained on train + validation after the threshold is chosen: the returned
// model is exactly the one the threshold was tuned for and the one the report measures, so the
// numbers describe what ships. (A retrained model would score differently from the model the
// threshold was chosen on.)
// Deterministic: the same table, events and config (seed, nthread) give the same model bytes,
// digests, threshold and report.
// Errors: InvalidArgument for a bad config, table or events (messages name the row or event);
// FailedPrecondition when the data cannot support training (no training or test rows left, no
// failure windows to learn from); Internal when XGBoost fails. Thread-safe (no shared state).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "features/feature_table.h"
#include "io/event.h"
#include "training/prediction.h"
#include "training/report.h"
#include "training/threshold.h"
#include "training/train_config.h"

namespace edgeloop::training {

struct TrainResult {
  std::string model_json;    // XGBoost JSON
  std::string model_digest;  // SHA-256 of model_json
  std::vector<std::string> feature_names;
  double threshold = 0;  // warn when score >= threshold (classification)
  ThresholdChoice threshold_choice;
  XgbParams params;  // as used (scale_pos_weight resolved when auto)
  EvaluationReport report;
  std::vector<Prediction> test_predictions;  // in table row order
  std::string dataset_digest;
  std::string xgboost_version;
};

Result<TrainResult> Train(const features::FeatureTable& table, const std::vector<io::Event>& events,
                          const TrainConfig& config);

// Fills `report` from held-out predictions: regression metrics for a RUL task; otherwise
// PR/ROC AUC, the confusion at report->threshold and the maintenance view (alerts against
// `events` under config.alert). Every model kind's test set is scored by this one function.
Status EvaluatePredictions(const std::vector<Prediction>& test,
                           const std::vector<io::Event>& events, const TrainConfig& config,
                           EvaluationReport* report);

}  // namespace edgeloop::training
