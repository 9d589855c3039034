// AssetSimulator: one simulated pump, end to end: its operating regime, its maintenance life,
// its physics and its sensors.
//
// Each step it asks the regime for the operating point, advances the life (which may fail,
// repair or maintain the pump), samples the pump model with the current health effects, and
// passes the values through the sensor-fault injector. Everything random comes from
// Random(seed).Fork(index), split into independent streams per concern, so the asset's series
// depends only on the config and its index, never on other assets. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/readings.h"
#include "base/status.h"
#include "io/event.h"
#include "sim/asset_life.h"
#include "sim/operating_regime.h"
#include "sim/pump_model.h"
#include "sim/sensor_fault.h"
#include "sim/sim_config.h"

namespace edgeloop::sim {

// An asset as assets.csv lists it.
struct AssetInfo {
  std::string id;     // "P001"
  std::string site;   // "north"
  std::string model;  // "ESP-400"
  std::string tags;   // "site=north;model=ESP-400"
};

// What a pump is going through right now (ground truth, for tests and the demo's story).
struct AssetCondition {
  bool running = true;
  std::optional<FailureMode> degradation;  // set while a degradation develops
  double severity = 0;                     // 0..1 of that degradation
};

class AssetSimulator {
 public:
  AssetSimulator(const SimConfig& config, int index);

  const AssetInfo& info() const { return info_; }

  // Samples the asset at `time_ms`, `dt_ms` after its previous sample. Appends the events in
  // between and the sensor faults that started to `events` and `faults`.
  SignalRow Step(int64_t time_ms, int64_t dt_ms, std::vector<io::Event>* events,
                 std::vector<SensorFault>* faults);

  void AddRegimeChange(const RegimeChange& change) { regime_.AddChange(change); }
  void AddSensorFault(SensorFault fault) { sensor_faults_.Add(std::move(fault)); }
  Status ForceFailure(FailureMode mode, int64_t failure_ms, int64_t lead_ms) {
    return life_.AddForcedFailure(mode, failure_ms, lead_ms);
  }

  // A burst of raw drive-end vibration in the state of the latest sample; the same start time
  // gives the same samples.
  Waveform RawVibration(int64_t start_ms, double seconds, double rate_hz) const;

  AssetCondition condition() const;

 private:
  AssetInfo info_;
  Random streams_;  // parent of the waveform streams
  AssetLife life_;
  OperatingRegime regime_;
  PumpModel pump_;
  SensorFaultInjector sensor_faults_;
  HealthEffects effects_;  // at the latest sample
  int64_t time_ms_;
};

}  // namespace edgeloop::sim
