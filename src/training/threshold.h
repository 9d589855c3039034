// Threshold: the score at or above which a window counts as a warning, chosen on validation rows
// (never on test rows, which must stay unseen until the final evaluation).
//
// Policies:
//   - cost: minimise missed_failure_cost x FN + false_alarm_cost x FP over the validation rows
//     (row-level counts against the failure-within-horizon labels); ties go to the highest
//     threshold, i.e. the fewest warnings;
//   - false_alarm_rate: the lowest threshold whose false alarms per 1,000 asset-days on the
//     validation rows (alerts debounced with the alert policy, see maintenance_metrics.h) stay at
//     or below the target. At most kMaxRateCandidates evenly spaced distinct scores are tried;
//   - fixed: a given value.
// Candidates are the distinct validation scores; a chosen cut between two neighbouring scores is
// reported as their midpoint (it separates the validation rows the same way and sits away from
// both). "Never warn" is the candidate just above the highest score. Deterministic.
// Errors: InvalidArgument for a bad config or non-finite score; FailedPrecondition when the
// validation rows cannot decide (none, no failure windows for cost, no observed time for rate).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "io/event.h"
#include "training/alerts.h"
#include "training/prediction.h"

namespace edgeloop::training {

enum class ThresholdPolicy { kCost, kFalseAlarmRate, kFixed };

// "cost", "false_alarm_rate", "fixed".
std::string_view ThresholdPolicyName(ThresholdPolicy policy);
bool ParseThresholdPolicy(std::string_view text, ThresholdPolicy* policy);

inline constexpr size_t kMaxRateCandidates = 1000;

struct ThresholdConfig {
  ThresholdPolicy policy = ThresholdPolicy::kCost;
  double missed_failure_cost = 10;
  double false_alarm_cost = 1;
  double max_false_alarms_per_1000_asset_days = 5;
  double fixed_threshold = 0.5;
};

Status ValidateThresholdConfig(const ThresholdConfig& config);

struct ThresholdChoice {
  double threshold = 0.5;
  ThresholdPolicy policy = ThresholdPolicy::kCost;
  std::string reason;    // a clause for the report, e.g. "chosen to minimise ..."
  double objective = 0;  // the cost, or the false-alarm rate, reached on validation
  size_t validation_rows = 0;
};

// `validation` labels are 0/1 failure-within-horizon; `events` and the alert policy are used by
// the false-alarm-rate policy only.
Result<ThresholdChoice> ChooseThreshold(const std::vector<Prediction>& validation,
                                        const std::vector<io::Event>& events, int64_t horizon_ms,
                                        const AlertPolicy& alert, const ThresholdConfig& config);

}  // namespace edgeloop::training
