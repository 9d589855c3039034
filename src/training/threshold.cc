#include "training/threshold.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "base/strings.h"
#include "training/maintenance_metrics.h"

namespace edgeloop::training {
namespace {

// Sorted distinct scores.
std::vector<double> DistinctScores(const std::vector<Prediction>& rows) {
  std::vector<double> s;
  for (const Prediction& p : rows) s.push_back(p.score);
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

// The threshold that puts distinct[j..] above and distinct[..j) below; j == size means none.
double CutValue(const std::vector<double>& distinct, size_t j) {
  if (j == 0) return distinct.front();
  if (j == distinct.size()) {
    return std::nextafter(distinct.back(), std::numeric_limits<double>::infinity());
  }
  const double mid = distinct[j - 1] + (distinct[j] - distinct[j - 1]) / 2;
  return mid > distinct[j - 1] ? mid : distinct[j];
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}

Result<ThresholdChoice> ByCost(const std::vector<Prediction>& rows,
                               const std::vector<double>& distinct, const ThresholdConfig& c) {
  // positives/negatives at or above each distinct score, by counting down from the top.
  std::vector<size_t> pos_below(distinct.size() + 1, 0), neg_below(distinct.size() + 1, 0);
  for (const Prediction& p : rows) {
    const size_t j = static_cast<size_t>(
        std::lower_bound(distinct.begin(), distinct.end(), p.score) - distinct.begin());
    ++(p.label > 0.5 ? pos_below : neg_below)[j + 1];
  }
  for (size_t j = 1; j <= distinct.size(); ++j) {
    pos_below[j] += pos_below[j - 1];
    neg_below[j] += neg_below[j - 1];
  }
  const size_t total_pos = pos_below.back(), total_neg = neg_below.back();
  if (total_pos == 0) {
    return FailedPrecondition(
        "validation rows hold no failure windows: the cost policy cannot "
        "weigh missed failures (use more validation data or a fixed "
        "threshold)");
  }
  size_t best_j = 0;
  double best_cost = std::numeric_limits<double>::infinity();
  for (size_t j = 0; j <= distinct.size(); ++j) {
    const double fn = static_cast<double>(pos_below[j]);
    const double fp = static_cast<double>(total_neg - neg_below[j]);
    const double cost = c.missed_failure_cost * fn + c.false_alarm_cost * fp;
    if (cost <= best_cost) {  // later (higher) thresholds win ties
      best_cost = cost;
      best_j = j;
    }
  }
  ThresholdChoice choice;
  choice.threshold = CutValue(distinct, best_j);
  choice.objective = best_cost;
  choice.reason = "chosen to minimise " + Number(c.missed_failure_cost) +
                  " x missed failure windows + " + Number(c.false_alarm_cost) +
                  " x false alarm windows (cost " + Number(best_cost) + ")";
  return choice;
}

Result<ThresholdChoice> ByRate(const std::vector<Prediction>& rows,
                               const std::vector<double>& distinct,
                               const std::vector<io::Event>& events, int64_t horizon_ms,
                               const AlertPolicy& alert, const ThresholdConfig& c) {
  if (!(ObservedAssetDays(rows) > 0)) {
    return FailedPrecondition(
        "validation rows cover no observed time: the false-alarm-rate "
        "policy needs at least two windows of one asset");
  }
  std::vector<size_t> candidates;
  const size_t m = distinct.size();
  if (m <= kMaxRateCandidates) {
    for (size_t j = 0; j < m; ++j) candidates.push_back(j);
  } else {
    for (size_t i = 0; i < kMaxRateCandidates; ++i)
      candidates.push_back(i * m / kMaxRateCandidates);
  }
  candidates.push_back(m);  // never warn: zero false alarms, always acceptable
  for (size_t j : candidates) {
    const double t = CutValue(distinct, j);
    EL_ASSIGN_OR_RETURN(MaintenanceMetrics mm,
                        EvaluateMaintenance(rows, events, t, horizon_ms, alert));
    if (mm.false_alarms_per_1000_asset_days <= c.max_false_alarms_per_1000_asset_days) {
      ThresholdChoice choice;
      choice.threshold = t;
      choice.objective = mm.false_alarms_per_1000_asset_days;
      choice.reason = "the lowest threshold keeping false alarms at or below " +
                      Number(c.max_false_alarms_per_1000_asset_days) +
                      " per 1,000 pump-days (reached " + Number(choice.objective) + ")";
      return choice;
    }
  }
  return Internal("no threshold candidate met the false-alarm target, not even 'never warn'");
}

}  // namespace

std::string_view ThresholdPolicyName(ThresholdPolicy policy) {
  switch (policy) {
    case ThresholdPolicy::kCost:
      return "cost";
    case ThresholdPolicy::kFalseAlarmRate:
      return "false_alarm_rate";
    case ThresholdPolicy::kFixed:
      return "fixed";
  }
  return "cost";
}

bool ParseThresholdPolicy(std::string_view text, ThresholdPolicy* policy) {
  for (ThresholdPolicy p :
       {ThresholdPolicy::kCost, ThresholdPolicy::kFalseAlarmRate, ThresholdPolicy::kFixed}) {
    if (text == ThresholdPolicyName(p)) {
      *policy = p;
      return true;
    }
  }
  return false;
}

Status ValidateThresholdConfig(const ThresholdConfig& c) {
  auto finite_non_negative = [](double v) { return std::isfinite(v) && v >= 0; };
  if (!finite_non_negative(c.missed_failure_cost) || !finite_non_negative(c.false_alarm_cost) ||
      c.missed_failure_cost + c.false_alarm_cost <= 0) {
    return InvalidArgument("threshold costs " + FormatDouble(c.missed_failure_cost) +
                           " (missed "
                           "failure) and " +
                           FormatDouble(c.false_alarm_cost) +
                           " (false alarm): expected non-negative numbers, not both 0");
  }
  if (!finite_non_negative(c.max_false_alarms_per_1000_asset_days)) {
    return InvalidArgument("false-alarm target " +
                           FormatDouble(c.max_false_alarms_per_1000_asset_days) +
                           " per 1,000 asset-days: expected a non-negative number");
  }
  if (!std::isfinite(c.fixed_threshold)) {
    return InvalidArgument("fixed threshold " + FormatDouble(c.fixed_threshold) +
                           ": expected a finite number");
  }
  return Status::Ok();
}

Result<ThresholdChoice> ChooseThreshold(const std::vector<Prediction>& validation,
                                        const std::vector<io::Event>& events, int64_t horizon_ms,
                                        const AlertPolicy& alert, const ThresholdConfig& config) {
  EL_RETURN_IF_ERROR(ValidateThresholdConfig(config));
  ThresholdChoice choice;
  if (config.policy == ThresholdPolicy::kFixed) {
    choice.threshold = config.fixed_threshold;
    choice.reason = "fixed in the training config";
  } else {
    for (size_t i = 0; i < validation.size(); ++i) {
      if (!std::isfinite(validation[i].score)) {
        return InvalidArgument("validation row " + std::to_string(i) + ": score " +
                               FormatDouble(validation[i].score) + " is not finite");
      }
    }
    if (validation.empty()) {
      return FailedPrecondition(
          "no validation rows to choose a threshold on (raise "
          "validation_fraction or use a fixed threshold)");
    }
    const std::vector<double> distinct = DistinctScores(validation);
    if (config.policy == ThresholdPolicy::kCost) {
      EL_ASSIGN_OR_RETURN(choice, ByCost(validation, distinct, config));
    } else {
      EL_ASSIGN_OR_RETURN(choice, ByRate(validation, distinct, events, horizon_ms, alert, config));
    }
  }
  choice.policy = config.policy;
  choice.validation_rows = validation.size();
  return choice;
}

}  // namespace edgeloop::training
