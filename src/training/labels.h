// Labels: what each feature row should have predicted, derived from the maintenance events.
//
// For a row of asset A whose window ends at E (the window covers (E - window_length, E]):
//   - failure_within_horizon is 1 when A has a failure in (E, E + horizon], else 0;
//   - rul_hours is the time to A's next failure after E in hours (capped at rul_cap_hours when
//     that is set), NaN when no later failure is observed (censored: left out of regression);
//   - excluded is true when the window overlaps a down time [failure, repair] of A (the pump is
//     not running, so its readings say nothing about degradation; a failure without a later
//     repair keeps the asset down until the end of the data), and, with exclude_unknown_future,
//     when the label is 0 but E + horizon lies past the end of A's observed data (the future
//     that would decide the label is unknown).
// The end of A's observed data is the later of its last window end and its last event.
// Maintenance and inspection events do not change labels.
//
// MakeLabels is a pure function, safe to call from any thread. It returns InvalidArgument for a
// bad config, a feature table whose vectors disagree in length, an event whose timestamp is
// outside years 1..9999 (not a finite time), or an event for an asset that has no row; the
// message names the event as "events[i]" so a caller can add the file name.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "base/status.h"
#include "features/feature_table.h"
#include "io/event.h"

namespace edgeloop::training {

struct LabelConfig {
  int64_t horizon_ms = 72LL * 3600 * 1000;  // how far ahead a failure makes a row positive
  int64_t window_length_ms = 0;             // length of each feature window (from the spec)
  double rul_cap_hours = std::numeric_limits<double>::quiet_NaN();  // NaN: no cap
  bool exclude_unknown_future = true;
};

struct Labels {
  std::vector<uint8_t> failure_within_horizon;  // 0 or 1, one per row
  std::vector<double> rul_hours;                // NaN = censored
  std::vector<uint8_t> excluded;                // 1 = leave the row out of training and tests

  size_t rows() const { return excluded.size(); }
  size_t CountExcluded() const;
  // Positives among the rows that are not excluded.
  size_t CountPositives() const;
};

// Earliest and latest timestamps an event may carry (0001-01-01 and 9999-12-31T23:59:59.999Z);
// keeping inside them also keeps every sum of a time and a horizon from overflowing.
inline constexpr int64_t kMinEventTimeMs = -62135596800000LL;
inline constexpr int64_t kMaxEventTimeMs = 253402300799999LL;

// Checks the table's shape: asset, window_end_ms and values agree with rows() x cols().
Status ValidateFeatureTable(const features::FeatureTable& table);

// Checks every event: a finite timestamp and an asset that has rows in `table`.
Status ValidateEvents(const features::FeatureTable& table, const std::vector<io::Event>& events);

Status ValidateLabelConfig(const LabelConfig& config);

Result<Labels> MakeLabels(const features::FeatureTable& table, const std::vector<io::Event>& events,
                          const LabelConfig& config);

}  // namespace edgeloop::training
