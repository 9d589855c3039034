// TrainConfig: everything a training run is told, and its parser for the `training:` section of
// a train config file:
//
//   training:
//     task: classification        # or rul_regression
//     horizon: 72h
//     window_length: 1h           # usually filled in from the feature spec
//     rul_cap: 500h               # optional
//     exclude_unknown_future: true
//     split: {by: time, test_fraction: 0.3, seed: 7}    # by: time | asset | time_and_asset
//     validation_fraction: 0.2
//     threshold: {policy: cost, missed_failure_cost: 10, false_alarm_cost: 1}
//       # or {policy: false_alarm_rate, per_1000_asset_days: 5}, or {policy: fixed, value: 0.5}
//     alert: {k: 2, n: 3, cooldown: 24h}
//     xgboost: {num_rounds: 200, max_depth: 6, eta: 0.1, subsample: 0.8, colsample_bytree: 0.8,
//               min_child_weight: 1, scale_pos_weight: auto, seed: 7, nthread: 2,
//               tree_method: hist, objective: binary:logistic}
//
// Every key is optional (defaults below); unknown keys are errors, so a typo never passes
// silently. For rul_regression the objective defaults to reg:squarederror.
// ParseTrainConfig never throws: yaml-cpp exceptions become InvalidArgument, and every error
// reads "<file>:<line>: <what was expected>".
#pragma once

#include <string_view>

#include "base/status.h"
#include "training/alerts.h"
#include "training/labels.h"
#include "training/split.h"
#include "training/threshold.h"
#include "training/xgboost_trainer.h"

namespace YAML {
class Node;
}

namespace edgeloop::training {

enum class Task { kClassification, kRulRegression };

// "classification", "rul_regression".
std::string_view TaskName(Task task);
bool ParseTask(std::string_view text, Task* task);

struct TrainConfig {
  Task task = Task::kClassification;
  LabelConfig labels;
  SplitConfig split;
  double validation_fraction = 0.2;  // share of the training part that chooses the threshold
  ThresholdConfig threshold;
  AlertPolicy alert;
  XgbParams xgboost;
};

Status ValidateTrainConfig(const TrainConfig& config);

// `node` is either a whole document with a `training:` key or the section itself.
Result<TrainConfig> ParseTrainConfig(const YAML::Node& node, std::string_view file);

}  // namespace edgeloop::training
