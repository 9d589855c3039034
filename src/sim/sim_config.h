// SimConfig: everything that determines a simulated fleet. The same config gives the same
// readings, events and waveforms, byte for byte.
//
// Assets are P001..PNNN, spread round-robin over the sites; asset k draws all its randomness
// from Random(seed).Fork(k), so its series does not depend on how many assets there are. A
// Schedule adds planned happenings on top of the random ones: operating-regime changes, sensor
// faults and forced failures (see schedule.h for the YAML form). Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "sim/degradation.h"
#include "sim/sensor_fault.h"

namespace edgeloop::sim {

// Which assets a regime change applies to.
struct AssetSelector {
  enum class Kind { kAll, kAssets, kSites };
  Kind kind = Kind::kAll;
  std::vector<std::string> names;  // asset ids for kAssets, site names for kSites

  bool Matches(const std::string& asset, const std::string& site) const;
};

// A change of operating regime: a new load set-point, fluid density or fluid temperature. The
// random set-point steps of each asset keep varying around the new values, so distributions
// shift for good: this is drift, not a fault.
struct RegimeChange {
  int64_t at_ms = 0;
  AssetSelector assets;
  std::optional<double> load;          // speed set-point as a fraction of nominal speed
  std::optional<double> density;       // fluid density relative to water
  std::optional<double> fluid_temp_c;  // fluid temperature, degC
};

// A failure planned ahead: its degradation starts `lead_ms` before `failure_ms`.
struct ScheduledFailure {
  std::string asset;
  FailureMode mode = FailureMode::kBearingWear;
  int64_t failure_ms = 0;
  int64_t lead_ms = 0;
};

struct Schedule {
  std::vector<RegimeChange> regimes;
  std::vector<SensorFault> sensor_faults;
  std::vector<ScheduledFailure> failures;
};

// Raw vibration bursts written to waveforms.csv by WriteFleet; rate_hz = 0 writes none.
struct RawWaveformOptions {
  double rate_hz = 0;
  int64_t every_ms = 6 * 3'600'000LL;
  double seconds = 1.0;
};

struct SimConfig {
  int assets = 20;
  int days = 90;
  int64_t period_ms = 10 * 60'000LL;
  uint64_t seed = 7;
  int64_t start_ms = 1'767'225'600'000LL;  // 2026-01-01T00:00:00Z
  std::vector<std::string> sites = {"north", "south", "east", "west", "offshore"};

  // Degradations that would end in a failure, per asset and year, if planned maintenance never
  // caught one early; maintenance censors some, so about 4.5 per asset-year actually fail
  // (20 assets x 90 days: 15-30 failures).
  double failure_rate_per_year = 7.0;
  bool random_failures = true;
  // Random sensor faults per asset and year.
  double sensor_fault_rate = 2.0;
  bool random_sensor_faults = true;
  // Planned maintenance every [min, max] days per asset; resets health.
  double maintenance_min_days = 30;
  double maintenance_max_days = 60;

  Schedule schedule;
  RawWaveformOptions raw;

  // Number of sample times: days * 24 h / period.
  int64_t steps() const;
  // The time just after the last sample.
  int64_t end_ms() const { return start_ms + steps() * period_ms; }
};

// "P001".."P999", then "P1000"...: the id of the asset with zero-based index `index`.
std::string AssetId(int index);
// The index of an asset id of a fleet of `assets`, or -1.
int AssetIndex(const std::string& asset, int assets);
// The site of asset `index` (round-robin).
const std::string& SiteOf(const SimConfig& config, int index);

// Checks ranges and that the schedule names only existing assets and sites.
Status ValidateSimConfig(const SimConfig& config);
// Checks one regime change against the fleet of `config`.
Status ValidateRegimeChange(const SimConfig& config, const RegimeChange& change);

}  // namespace edgeloop::sim
