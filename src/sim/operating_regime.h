// Operating conditions of a pump: what the operators and the weather do to it. None of it is a
// fault, but all of it moves the distributions a model sees.
//
// SiteClimate is the ambient temperature of a site: a yearly season, a daily cycle and a few
// days of weather, as a pure function of time (derived from the seed and the site name, so it
// does not depend on the fleet). OperatingRegime is the set-point history of one asset: load
// steps every few days, fluid density and temperature changes, all around a base regime that
// scheduled RegimeChanges move for good. Not thread-safe; one per asset.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/random.h"
#include "sim/sim_config.h"

namespace edgeloop::sim {

// The operating conditions of one asset at one time.
struct OperatingPoint {
  double load = 0.9;           // speed set-point, fraction of nominal speed
  double density = 1.0;        // fluid density relative to water
  double fluid_temp_c = 45.0;  // pumped fluid temperature
  double ambient_c = 15.0;     // air temperature at the site
};

class SiteClimate {
 public:
  SiteClimate(uint64_t seed, const std::string& site);

  double AmbientC(int64_t time_ms) const;

 private:
  double mean_c_;
  double season_amplitude_c_;
  double daily_amplitude_c_;
  double weather_phase_[3];
};

class OperatingRegime {
 public:
  OperatingRegime(int64_t start_ms, Random random, SiteClimate climate);

  // Adds a scheduled change (the caller has checked that it selects this asset).
  void AddChange(const RegimeChange& change);

  // The operating point at `time_ms`; call with increasing times.
  OperatingPoint At(int64_t time_ms);

 private:
  void ApplyDueChanges(int64_t time_ms);

  Random random_;
  SiteClimate climate_;
  std::vector<RegimeChange> pending_;  // sorted by time
  // The base regime, moved by scheduled changes.
  double base_load_ = 0.9;
  double base_density_ = 1.0;
  double base_fluid_temp_c_ = 45.0;
  // This asset's own variation around the base.
  double density_bias_ = 1.0;
  double fluid_temp_bias_c_ = 0.0;
  double load_factor_ = 1.0;
  double density_factor_ = 1.0;
  double fluid_temp_offset_c_ = 0.0;
  int64_t next_setpoint_ms_ = 0;
  int64_t next_fluid_change_ms_ = 0;
};

}  // namespace edgeloop::sim
