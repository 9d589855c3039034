// Signals of a simulated pump: the ten sensor channels every asset reports each period.
//
// The order of the Signal enum is the column order of readings.csv and of a SignalRow. Each
// signal has a unit, a sensor resolution (values are rounded to it so files stay small) and the
// default sizes of injected sensor faults. Plain constants; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace edgeloop::sim {

enum class Signal {
  kSuctionPressure = 0,
  kDischargePressure,
  kFlow,
  kMotorCurrent,
  kVoltage,
  kMotorTemp,
  kBearingTemp,
  kVibDeRms,
  kVibNdeRms,
  kSpeed,
};

inline constexpr size_t kSignalCount = 10;

// One sample of every signal of one asset, indexed by Signal; NaN marks a missing value.
using SignalRow = std::array<double, kSignalCount>;

struct SignalSpec {
  std::string_view name;        // "suction_pressure"
  std::string_view unit;        // "bar"
  double steps_per_unit;        // 1 / resolution: 1000 means values are multiples of 0.001
  double default_spike;         // size of an injected spike, in the signal's unit
  double default_bias_per_day;  // drift of an injected bias, in the signal's unit per day
};

const SignalSpec& SpecOf(Signal signal);
inline std::string_view SignalName(Signal signal) { return SpecOf(signal).name; }
inline size_t Index(Signal signal) { return static_cast<size_t>(signal); }

// The signal names in column order.
std::vector<std::string> AllSignalNames();
// Parses a signal name; false when unknown.
bool ParseSignal(std::string_view name, Signal* signal);

// Rounds `value` to the sensor resolution of `signal` (NaN stays NaN). Dividing the rounded
// integer by a power of ten gives the double closest to the decimal, so it prints short.
double Quantize(Signal signal, double value);

}  // namespace edgeloop::sim
