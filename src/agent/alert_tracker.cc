#include "agent/alert_tracker.h"

namespace edgeloop::agent {

std::optional<AlertTracker::Change> AlertTracker::Observe(int64_t time_ms, double score,
                                                           double threshold) {
  const bool raw = score >= threshold;  // NaN is never over
  recent_.push_back(raw);
  recent_over_ += raw ? 1 : 0;
  if (static_cast<int>(recent_.size()) > policy_.n) {
    recent_over_ -= recent_.front() ? 1 : 0;
    recent_.pop_front();
  }
  const bool over = recent_over_ >= policy_.k;
  // Hysteresis: an open alert holds while the score stays at or above threshold x clear_ratio.
  const bool holds = open_ && policy_.clear_ratio < 1.0 && score >= threshold * policy_.clear_ratio;
  if (!over && holds) return std::nullopt;
  if (!over) {
    if (!open_) return std::nullopt;
    open_ = false;
    return Change{api::AlertState::kCleared, alert_id_};
  }
  if (open_) {
    last_over_ms_ = time_ms;
    return std::nullopt;
  }
  const bool resumes =
      has_alert_ && policy_.cooldown_ms > 0 && time_ms - last_over_ms_ < policy_.cooldown_ms;
  open_ = true;
  last_over_ms_ = time_ms;
  if (resumes) return Change{api::AlertState::kResumed, alert_id_};
  has_alert_ = true;
  alert_id_ = asset_ + "@" + std::to_string(time_ms);
  return Change{api::AlertState::kRaised, alert_id_};
}

}  // namespace edgeloop::agent
