// Sensor faults: a sensor that lies, as opposed to a pump that degrades.
//
// stuck   the reading freezes at its last value;
// dropout the reading is missing (NaN, an empty field in readings.csv);
// spikes  isolated large outliers of +-magnitude on about one sample in twenty;
// bias    a slow drift of magnitude per day added since the fault started.
// SensorFaultInjector owns the faults of one asset (scheduled ones given to it, random ones it
// draws at `rate_per_year`) and rewrites that asset's rows while they are active. Not
// thread-safe; one per asset.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "sim/signals.h"

namespace edgeloop::sim {

enum class SensorFaultKind { kStuck = 0, kDropout, kSpikes, kBias };

// "stuck", "dropout", "spikes", "bias".
std::string_view SensorFaultKindName(SensorFaultKind kind);
// Parses the names above; false when unknown.
bool ParseSensorFaultKind(std::string_view name, SensorFaultKind* kind);

struct SensorFault {
  std::string asset;
  Signal signal = Signal::kSuctionPressure;
  SensorFaultKind kind = SensorFaultKind::kStuck;
  int64_t start_ms = 0;
  int64_t duration_ms = 0;
  // Spike size, or bias drift per day, in the signal's unit; NaN means the signal's default.
  double magnitude = std::numeric_limits<double>::quiet_NaN();
  bool random = false;  // drawn at random rather than scheduled

  int64_t end_ms() const { return start_ms + duration_ms; }
};

class SensorFaultInjector {
 public:
  // `timing` draws when random faults start and what they are; `noise` draws spike signs, so
  // the fault plan does not depend on how many spikes were drawn.
  SensorFaultInjector(std::string asset, double rate_per_year, bool random_faults, int64_t start_ms,
                      Random timing, Random noise);

  // Adds a scheduled fault; it takes effect on the samples in [start, end).
  void Add(SensorFault fault);

  // Applies the faults active at `time_ms` to `row` (already at sensor resolution) and appends
  // the faults that started at this sample to `started`. Call with increasing times.
  void Apply(int64_t time_ms, SignalRow* row, std::vector<SensorFault>* started);

 private:
  struct Active {
    SensorFault fault;
    double held = std::numeric_limits<double>::quiet_NaN();  // frozen value of a stuck sensor
  };

  SensorFault DrawRandomFault(int64_t start_ms);
  void ScheduleNextRandom(int64_t after_ms);
  double Distort(Active& active, int64_t time_ms, double value);

  std::string asset_;
  double rate_per_year_;
  bool random_faults_;
  Random timing_;
  Random noise_;
  int64_t next_random_ms_ = 0;
  std::vector<SensorFault> pending_;  // sorted by start
  std::vector<Active> active_;
  SignalRow last_reported_;
};

}  // namespace edgeloop::sim
