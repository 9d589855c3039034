// Alerts: how scored windows of one asset become debounced alerts, the way an engineer sees them.
//
// Rows of each asset are taken in time order. A window is "over" when its score is at or above
// the threshold; with k-of-n smoothing a window counts as over when at least k of the last n
// windows (itself included) are over. An alert episode is a run of consecutive over windows; the
// alert is raised at the episode's first window. An episode that starts less than `cooldown`
// after the last window of the previous alert of the same asset raises no new alert: it extends
// that alert (an alert that clears and comes back within the cooldown is the same alert). A
// failure between two rows ends any open episode and restarts the smoothing and the cooldown
// (the pump was repaired).
//
// Pure functions; thread-safe. InvalidArgument for a bad policy, or a score or time that is not
// finite (times must lie in years 1..9999, see labels.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "io/event.h"
#include "training/prediction.h"

namespace edgeloop::training {

struct AlertPolicy {
  int k = 1;                // windows over threshold ...
  int n = 1;                // ... among the last n
  int64_t cooldown_ms = 0;  // an alert back within this time after it cleared is the same alert
};

Status ValidateAlertPolicy(const AlertPolicy& policy);

struct AlertEpisode {
  std::string asset;
  int64_t start_ms = 0;  // when the alert is raised
  int64_t end_ms = 0;    // the last window over threshold (of all episodes merged into it)
  size_t windows = 0;    // windows over threshold
};

// Episodes of all assets, sorted by asset and start. `events` gives the failures that break
// episodes; other kinds are ignored.
Result<std::vector<AlertEpisode>> FindAlertEpisodes(const std::vector<Prediction>& rows,
                                                    double threshold, const AlertPolicy& policy,
                                                    const std::vector<io::Event>& events);

}  // namespace edgeloop::training
