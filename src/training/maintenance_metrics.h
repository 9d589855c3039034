// Maintenance metrics: how a model's alerts would have served the people who run the pumps.
//
// Over scored rows (typically the test rows, excluded rows left out) and the events, with the
// alert episodes of alerts.h (an episode runs from its first to its last window over threshold):
//   - a failure counts when its asset has at least one scored row in the horizon before it,
//     failure - horizon <= time < failure (the rows the labels mark positive);
//   - it is caught when an alert episode is on during that span: the episode starts before the
//     failure and its last window is at or after failure - horizon. Event recall is caught /
//     counted failures;
//   - lead time is failure time - the moment the first such episode is on within the span
//     (its start, or failure - horizon for an episode raised earlier that was still on), so it
//     never exceeds the horizon; its median is reported in hours;
//   - an episode is a false alarm when it catches no failure: no failure of its asset follows
//     its start within the horizon after its last window (start < failure <= end + horizon);
//   - observed time sums, per asset, each row's spacing to the next row, capped at the asset's
//     median spacing (so down time and gaps in the data do not count), plus one median spacing
//     for the last row; false alarms are reported per 1,000 days of it.
// Rates with a zero denominator are NaN. Pure functions; thread-safe. InvalidArgument for a bad
// horizon, a bad alert policy or a score that is not finite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/status.h"
#include "io/event.h"
#include "training/alerts.h"
#include "training/prediction.h"

namespace edgeloop::training {

struct MaintenanceMetrics {
  size_t failures = 0;  // failures with scored rows in the horizon before them
  size_t caught = 0;
  double event_recall = 0;
  std::vector<double> lead_times_hours;  // one per caught failure, in failure order
  double median_lead_time_hours = 0;
  size_t alerts = 0;
  size_t false_alarms = 0;
  double observed_asset_days = 0;
  double false_alarms_per_1000_asset_days = 0;
};

Result<MaintenanceMetrics> EvaluateMaintenance(const std::vector<Prediction>& rows,
                                               const std::vector<io::Event>& events,
                                               double threshold, int64_t horizon_ms,
                                               const AlertPolicy& policy);

// Days of observed time covered by `rows`, as defined above.
double ObservedAssetDays(const std::vector<Prediction>& rows);

// The median of `values` (the mean of the two middle values for an even count); NaN when empty.
double Median(std::vector<double> values);

}  // namespace edgeloop::training
