// AlertTracker: the alert policy of one asset, window by window, as the device applies it.
//
// The streaming form of training::FindAlertEpisodes (the evaluation's rule), so a device raises
// its alerts where the evaluation says it does: a window is over when its score is at or above
// the threshold; it counts as over when at least k of the last n windows are; a run of such
// windows is an alert, raised at its first window; a run that starts less than `cooldown` after
// the last over window of the previous alert resumes that alert instead of raising a new one.
// With the policy's clear_ratio below 1 an open alert also stays open while the score is at or
// above threshold x clear_ratio (hysteresis: it clears on the first window that is neither over
// nor above that level; NaN holds nothing).
// The tracker reports each state change (raised, resumed, cleared). Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "api/records.h"
#include "bundle/manifest.h"

namespace edgeloop::agent {

class AlertTracker {
 public:
  struct Change {
    api::AlertState state;
    std::string alert_id;
  };

  explicit AlertTracker(std::string asset, bundle::AlertPolicy policy)
      : asset_(std::move(asset)), policy_(policy) {}

  // The window ending at `time_ms` scored `score`; returns the state change it causes, if any.
  std::optional<Change> Observe(int64_t time_ms, double score, double threshold);

  bool active() const { return open_; }
  const std::string& alert_id() const { return alert_id_; }

 private:
  std::string asset_;
  bundle::AlertPolicy policy_;
  std::deque<bool> recent_;
  int recent_over_ = 0;
  bool open_ = false;
  bool has_alert_ = false;
  int64_t last_over_ms_ = 0;
  std::string alert_id_;
};

}  // namespace edgeloop::agent
