// Anomaly thresholds: the score above which an anomaly model's row counts as anomalous, chosen
// from the model's own scores on its (anomaly-free) training rows, since unlabelled pumps have
// no failures to tune against.
//
//   - quantile q: the q-quantile of the training scores (linear interpolation between order
//     statistics, as numpy's default), times `factor`;
//   - false-alarm rate r: the (1 - r)-quantile, times `factor`, so about r of rows like the
//     training rows would be flagged when factor is 1.
// `factor` (>= 1 in practice) widens the limit for the optimism of in-sample scores.
// Pure functions, thread-safe. InvalidArgument for an empty or non-finite score list or a
// quantile / rate outside its range.
#pragma once

#include <string_view>
#include <vector>

#include "base/status.h"

namespace edgeloop::training {

enum class AnomalyThresholdRule { kQuantile, kFalseAlarmRate };

// "quantile", "false_alarm_rate".
std::string_view AnomalyThresholdRuleName(AnomalyThresholdRule rule);
bool ParseAnomalyThresholdRule(std::string_view text, AnomalyThresholdRule* rule);

struct AnomalyThresholdConfig {
  AnomalyThresholdRule rule = AnomalyThresholdRule::kQuantile;
  double quantile = 0.99;          // in (0, 1], for kQuantile
  double false_alarm_rate = 0.01;  // in [0, 1), for kFalseAlarmRate
  double factor = 1.0;             // > 0
};

Status ValidateAnomalyThresholdConfig(const AnomalyThresholdConfig& config);

// The q-quantile (q in [0, 1]) of `scores`, linear between order statistics.
Result<double> ScoreQuantile(std::vector<double> scores, double q);

// The threshold the config gives for these training scores.
Result<double> AnomalyThreshold(const std::vector<double>& training_scores,
                                const AnomalyThresholdConfig& config);

}  // namespace edgeloop::training
