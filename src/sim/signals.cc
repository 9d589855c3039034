#include "sim/signals.h"

#include <cmath>

namespace edgeloop::sim {
namespace {

constexpr std::array<SignalSpec, kSignalCount> kSpecs = {{
    {"suction_pressure", "bar", 1000, 2.0, 0.05},
    {"discharge_pressure", "bar", 1000, 6.0, 0.2},
    {"flow", "m3/h", 100, 120.0, 3.0},
    {"motor_current", "A", 100, 60.0, 2.0},
    {"voltage", "V", 10, 60.0, 3.0},
    {"motor_temp", "degC", 100, 35.0, 1.0},
    {"bearing_temp", "degC", 100, 30.0, 1.0},
    {"vib_de_rms", "mm/s", 1000, 12.0, 0.2},
    {"vib_nde_rms", "mm/s", 1000, 12.0, 0.2},
    {"speed", "rpm", 10, 600.0, 10.0},
}};

}  // namespace

const SignalSpec& SpecOf(Signal signal) { return kSpecs[Index(signal)]; }

std::vector<std::string> AllSignalNames() {
  std::vector<std::string> names;
  names.reserve(kSignalCount);
  for (const SignalSpec& spec : kSpecs) names.emplace_back(spec.name);
  return names;
}

bool ParseSignal(std::string_view name, Signal* signal) {
  for (size_t i = 0; i < kSignalCount; ++i) {
    if (kSpecs[i].name == name) {
      *signal = static_cast<Signal>(i);
      return true;
    }
  }
  return false;
}

double Quantize(Signal signal, double value) {
  const double steps = SpecOf(signal).steps_per_unit;
  const double rounded = std::nearbyint(value * steps) / steps;
  return rounded == 0.0 ? 0.0 : rounded;  // no "-0" in files
}

}  // namespace edgeloop::sim
