// AssetLife: the maintenance history of one asset as it happens: degradations, failures,
// repairs and planned maintenance.
//
// At most one degradation is active at a time. Random degradations start after exponentially
// distributed healthy spells, develop over 5-30 days and end in a failure; the pump is then
// down until a repair 12-72 h later, which resets health. Planned maintenance every
// [min, max] days also resets health, so a random degradation it catches is censored (no
// failure). Forced degradations (from a schedule or a live demo) always end in their failure:
// they replace a random degradation that is under way, planned maintenance does not censor
// them, and random degradations that would still be running when one starts are skipped.
// Event times are whole minutes where drawn at random. Not thread-safe; one per asset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/status.h"
#include "io/event.h"
#include "sim/degradation.h"
#include "sim/sim_config.h"

namespace edgeloop::sim {

class AssetLife {
 public:
  AssetLife(std::string asset, const SimConfig& config, Random failures, Random maintenance);

  // Plans a failure at `failure_ms` after `lead_ms` of degradation. FailedPrecondition when it
  // would overlap another forced failure (including its longest repair) or the current downtime.
  Status AddForcedFailure(FailureMode mode, int64_t failure_ms, int64_t lead_ms);

  // Advances to `time_ms` (increasing), appending the events in (previous time, time_ms].
  void AdvanceTo(int64_t time_ms, std::vector<io::Event>* events);

  bool running() const { return running_; }
  // The degradation under way, if any.
  const std::optional<Degradation>& degradation() const { return active_; }
  // The health effects at `time_ms` (neutral when healthy).
  HealthEffects Effects(int64_t time_ms, double suction_supply_bar) const;

 private:
  enum class Happening { kRepair, kFailure, kMaintenance, kForcedOnset, kRandomOnset };
  struct Next {
    int64_t at_ms;
    Happening what;
  };

  // The next thing that happens at or before `time_ms`, if any.
  std::optional<Next> NextHappening(int64_t time_ms) const;
  void Happen(Happening what, int64_t at_ms, std::vector<io::Event>* events);
  void ScheduleMaintenance(int64_t from_ms);
  void Emit(int64_t at_ms, io::EventKind kind, std::string mode, std::vector<io::Event>* events);
  void DrawNextRandom(int64_t from_ms);
  bool OverlapsForced(const Degradation& degradation) const;

  std::string asset_;
  double failure_rate_per_year_;
  bool random_failures_;
  double maintenance_min_days_;
  double maintenance_max_days_;
  Random failures_random_;
  Random maintenance_random_;

  bool running_ = true;
  int64_t now_ms_;
  int64_t repair_ms_ = 0;  // when down: the repair time
  int64_t next_maintenance_ms_;
  std::optional<Degradation> active_;
  std::optional<Degradation> next_random_;  // the next random degradation, not started yet
  std::vector<Degradation> forced_;         // pending forced degradations, by failure time
};

}  // namespace edgeloop::sim
