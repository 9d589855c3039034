#include "training/anomaly_threshold.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace edgeloop::training {

std::string_view AnomalyThresholdRuleName(AnomalyThresholdRule rule) {
  return rule == AnomalyThresholdRule::kQuantile ? "quantile" : "false_alarm_rate";
}

bool ParseAnomalyThresholdRule(std::string_view text, AnomalyThresholdRule* rule) {
  if (text == "quantile") {
    *rule = AnomalyThresholdRule::kQuantile;
    return true;
  }
  if (text == "false_alarm_rate") {
    *rule = AnomalyThresholdRule::kFalseAlarmRate;
    return true;
  }
  return false;
}

Status ValidateAnomalyThresholdConfig(const AnomalyThresholdConfig& config) {
  if (config.rule == AnomalyThresholdRule::kQuantile &&
      !(config.quantile > 0 && config.quantile <= 1)) {
    return InvalidArgument("anomaly threshold: quantile must be in (0, 1], got " +
                           std::to_string(config.quantile));
  }
  if (config.rule == AnomalyThresholdRule::kFalseAlarmRate &&
      !(config.false_alarm_rate >= 0 && config.false_alarm_rate < 1)) {
    return InvalidArgument("anomaly threshold: false_alarm_rate must be in [0, 1), got " +
                           std::to_string(config.false_alarm_rate));
  }
  if (!(config.factor > 0) || !std::isfinite(config.factor)) {
    return InvalidArgument("anomaly threshold: factor must be a positive number");
  }
  return Status::Ok();
}

Result<double> ScoreQuantile(std::vector<double> scores, double q) {
  if (scores.empty()) return InvalidArgument("anomaly threshold: no training scores");
  if (!(q >= 0 && q <= 1)) return InvalidArgument("anomaly threshold: quantile must be in [0, 1]");
  for (double s : scores) {
    if (!std::isfinite(s)) return InvalidArgument("anomaly threshold: a training score is not finite");
  }
  std::sort(scores.begin(), scores.end());
  const double pos = q * static_cast<double>(scores.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, scores.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return scores[lo] + (scores[hi] - scores[lo]) * frac;
}

Result<double> AnomalyThreshold(const std::vector<double>& training_scores,
                                const AnomalyThresholdConfig& config) {
  EL_RETURN_IF_ERROR(ValidateAnomalyThresholdConfig(config));
  const double q = config.rule == AnomalyThresholdRule::kQuantile ? config.quantile
                                                                   : 1.0 - config.false_alarm_rate;
  EL_ASSIGN_OR_RETURN(double quantile, ScoreQuantile(training_scores, q));
  return quantile * config.factor;
}

}  // namespace edgeloop::training
