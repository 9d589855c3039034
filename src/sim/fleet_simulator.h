// FleetSimulator: a fleet of simulated pumps, stepped one period at a time.
//
// The streaming API serves WriteFleet, an edge agent's simulator source and the live demo alike:
// each Step() advances every asset to the next sample time and fills one row of the ten signals
// per asset (NaN for a dropout); events() and sensor_faults() are the ground truth emitted so
// far. The demo can schedule regime changes and force failures while it runs. Deterministic:
// the same config gives the same rows, events and waveforms; asset k's series does not depend
// on the fleet size. Owns its assets; not thread-safe (drive it from one thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/readings.h"
#include "base/status.h"
#include "io/event.h"
#include "sim/asset_simulator.h"
#include "sim/sim_config.h"

namespace edgeloop::sim {

class FleetSimulator {
 public:
  // InvalidArgument / NotFound when the config does not pass ValidateSimConfig.
  static Result<FleetSimulator> Create(SimConfig config);
  // `config` must pass ValidateSimConfig (aborts otherwise: use Create for outside input).
  explicit FleetSimulator(SimConfig config);

  // The ten signal names, in column order (readings.csv, SignalRow).
  static std::vector<std::string> SignalNames();

  const SimConfig& config() const { return config_; }
  const std::vector<AssetInfo>& assets() const { return assets_; }

  // Advances to the next sample time (the first call samples start_ms) and fills `rows` with
  // one row per asset, in asset order. The fleet keeps going past config().days if asked.
  void Step(std::vector<SignalRow>* rows);
  // The time of the latest sample (start_ms - period before the first Step).
  int64_t time_ms() const { return time_ms_; }
  int64_t steps_taken() const { return steps_taken_; }

  // Failures, repairs and maintenance up to time_ms(), sorted by time (then asset).
  const std::vector<io::Event>& events() const { return events_; }
  // Sensor faults that started up to time_ms(), by start time.
  const std::vector<SensorFault>& sensor_faults() const { return sensor_faults_; }

  // `seconds` of raw drive-end vibration ("vib_de_raw", in g) at `rate_hz` in the asset's state
  // at time_ms(); deterministic in (seed, asset, start_ms). NotFound for an unknown asset,
  // InvalidArgument for a rate or length out of range.
  Result<Waveform> RawVibration(const std::string& asset, int64_t start_ms, double seconds,
                                double rate_hz) const;

  // Applies `change` from change.at_ms on (at the next sample when that is in the past).
  Status ScheduleRegimeChange(const RegimeChange& change);
  // The asset degrades in `mode` for `lead_ms` and fails at `failure_ms`. NotFound for an
  // unknown asset; InvalidArgument when failure_ms is not after time_ms(); FailedPrecondition
  // when it overlaps another forced failure or the asset's downtime.
  Status ForceFailure(const std::string& asset, FailureMode mode, int64_t failure_ms,
                      int64_t lead_ms);

  // Ground truth about one asset at time_ms(). NotFound for an unknown asset.
  Result<AssetCondition> Condition(const std::string& asset) const;

 private:
  Result<size_t> IndexOf(const std::string& asset) const;

  SimConfig config_;
  std::vector<AssetSimulator> simulators_;
  std::vector<AssetInfo> assets_;
  int64_t time_ms_;
  int64_t steps_taken_ = 0;
  std::vector<io::Event> events_;
  std::vector<SensorFault> sensor_faults_;
};

}  // namespace edgeloop::sim
