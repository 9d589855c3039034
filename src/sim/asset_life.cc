#include "sim/asset_life.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/time_format.h"

namespace edgeloop::sim {
namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinRepairMs = 12 * kMillisPerHour;
constexpr int64_t kMaxRepairMs = 72 * kMillisPerHour;
constexpr double kMinLeadDays = 5.0;
constexpr double kMaxLeadDays = 30.0;
constexpr double kForcedGrowth = 4.0;

int64_t WholeMinutes(double millis) {
  return std::llround(millis / kMillisPerMinute) * kMillisPerMinute;
}

bool Overlap(const Degradation& a, const Degradation& b) {
  return a.onset_ms < b.failure_ms + kMaxRepairMs && b.onset_ms < a.failure_ms + kMaxRepairMs;
}

}  // namespace

AssetLife::AssetLife(std::string asset, const SimConfig& config, Random failures,
                     Random maintenance)
    : asset_(std::move(asset)),
      failure_rate_per_year_(config.failure_rate_per_year),
      random_failures_(config.random_failures && config.failure_rate_per_year > 0),
      maintenance_min_days_(config.maintenance_min_days),
      maintenance_max_days_(config.maintenance_max_days),
      failures_random_(failures),
      maintenance_random_(maintenance),
      now_ms_(config.start_ms - config.period_ms) {
  // The first visit falls anywhere in the first interval, so the fleet is not maintained at once.
  next_maintenance_ms_ =
      config.start_ms +
      WholeMinutes(maintenance_random_.Uniform(2.0, maintenance_max_days_) * kMillisPerDay);
  DrawNextRandom(config.start_ms);
}

void AssetLife::DrawNextRandom(int64_t from_ms) {
  next_random_.reset();
  if (!random_failures_) return;
  // Healthy spell + degradation average 365.25 / rate days.
  const double mean_lead_days = 0.5 * (kMinLeadDays + kMaxLeadDays);
  const double gap_days = std::max(1.0, 365.25 / failure_rate_per_year_ - mean_lead_days);
  Degradation d;
  d.onset_ms = from_ms + WholeMinutes(std::max(1.0 / 24, failures_random_.Exponential(gap_days)) *
                                      kMillisPerDay);
  d.failure_ms = d.onset_ms +
                 WholeMinutes(failures_random_.Uniform(kMinLeadDays, kMaxLeadDays) * kMillisPerDay);
  d.mode = static_cast<FailureMode>(failures_random_.UniformInt(0, kFailureModeCount - 1));
  d.growth = failures_random_.Uniform(3.0, 5.0);
  next_random_ = d;
}

Status AssetLife::AddForcedFailure(FailureMode mode, int64_t failure_ms, int64_t lead_ms) {
  if (lead_ms <= 0) return InvalidArgument("failure of " + asset_ + ": lead must be positive");
  if (failure_ms <= now_ms_) {
    return InvalidArgument("failure of " + asset_ + " at " + FormatTimestamp(failure_ms) +
                           " is not after the current time " + FormatTimestamp(now_ms_));
  }
  if (!running_ && failure_ms <= repair_ms_) {
    return FailedPrecondition("failure of " + asset_ + " at " + FormatTimestamp(failure_ms) +
                              ": the asset is down until " + FormatTimestamp(repair_ms_));
  }
  Degradation d;
  d.mode = mode;
  d.onset_ms = failure_ms - lead_ms;
  d.failure_ms = failure_ms;
  d.growth = kForcedGrowth;
  d.forced = true;
  for (const Degradation& other : forced_) {
    if (Overlap(d, other)) {
      return FailedPrecondition("failure of " + asset_ + " at " + FormatTimestamp(failure_ms) +
                                " overlaps the forced failure at " +
                                FormatTimestamp(other.failure_ms) + " and its repair");
    }
  }
  if (active_ && active_->forced && Overlap(d, *active_)) {
    return FailedPrecondition("failure of " + asset_ + " at " + FormatTimestamp(failure_ms) +
                              " overlaps the forced degradation under way");
  }
  auto at =
      std::upper_bound(forced_.begin(), forced_.end(), failure_ms,
                       [](int64_t t, const Degradation& other) { return t < other.failure_ms; });
  forced_.insert(at, d);
  return Status::Ok();
}

bool AssetLife::OverlapsForced(const Degradation& d) const {
  return std::any_of(forced_.begin(), forced_.end(),
                     [&](const Degradation& f) { return Overlap(d, f); });
}

std::optional<AssetLife::Next> AssetLife::NextHappening(int64_t time_ms) const {
  // Candidates in priority order: on a tie the earlier one in this list happens first.
  std::optional<Next> next;
  auto consider = [&](int64_t at, Happening what) {
    if (at <= time_ms && (!next || at < next->at_ms)) next = Next{at, what};
  };
  if (!running_) {
    consider(repair_ms_, Happening::kRepair);
    return next;
  }
  if (active_) consider(active_->failure_ms, Happening::kFailure);
  consider(next_maintenance_ms_, Happening::kMaintenance);
  if (!forced_.empty() && !(active_ && active_->forced)) {
    consider(forced_.front().onset_ms, Happening::kForcedOnset);
  }
  if (!active_ && next_random_) consider(next_random_->onset_ms, Happening::kRandomOnset);
  return next;
}

void AssetLife::Happen(Happening what, int64_t at, std::vector<io::Event>* events) {
  switch (what) {
    case Happening::kRepair:
      running_ = true;
      Emit(at, io::EventKind::kRepair, "", events);
      DrawNextRandom(at);
      ScheduleMaintenance(at);
      break;
    case Happening::kFailure:
      Emit(at, io::EventKind::kFailure, std::string(FailureModeName(active_->mode)), events);
      running_ = false;
      repair_ms_ = at + WholeMinutes(static_cast<double>(
                            failures_random_.UniformInt(kMinRepairMs, kMaxRepairMs)));
      active_.reset();
      next_random_.reset();
      next_maintenance_ms_ = kNever;  // rescheduled at the repair
      break;
    case Happening::kMaintenance:
      if (active_ && active_->forced) {
        next_maintenance_ms_ = kNever;  // postponed until after the forced failure's repair
        break;
      }
      Emit(at, io::EventKind::kMaintenance, "", events);
      if (active_) {
        active_.reset();  // caught early: censored
        DrawNextRandom(at);
      }
      ScheduleMaintenance(at);
      break;
    case Happening::kForcedOnset: {
      Degradation d = forced_.front();
      forced_.erase(forced_.begin());
      // A forced failure whose time passed while the pump was down cannot happen any more.
      if (d.failure_ms > at) {
        active_ = d;
        next_random_.reset();  // drawn again after this failure's repair
      }
      break;
    }
    case Happening::kRandomOnset:
      if (!OverlapsForced(*next_random_)) active_ = next_random_;
      next_random_.reset();
      break;
  }
}

void AssetLife::AdvanceTo(int64_t time_ms, std::vector<io::Event>* events) {
  while (std::optional<Next> next = NextHappening(time_ms)) {
    // Onsets may lie in the past (a forced degradation planned before the start).
    const int64_t at = std::max(next->at_ms, now_ms_);
    Happen(next->what, at, events);
    now_ms_ = at;
  }
  now_ms_ = std::max(now_ms_, time_ms);
}

void AssetLife::ScheduleMaintenance(int64_t from_ms) {
  const double days = maintenance_random_.Uniform(maintenance_min_days_, maintenance_max_days_);
  next_maintenance_ms_ = from_ms + WholeMinutes(days * kMillisPerDay);
}

void AssetLife::Emit(int64_t at_ms, io::EventKind kind, std::string mode,
                     std::vector<io::Event>* events) {
  events->push_back(io::Event{at_ms, asset_, kind, std::move(mode)});
}

HealthEffects AssetLife::Effects(int64_t time_ms, double suction_supply_bar) const {
  if (!running_ || !active_) return HealthEffects{};
  return EffectsOf(active_->mode, active_->Severity(time_ms), suction_supply_bar);
}

}  // namespace edgeloop::sim
