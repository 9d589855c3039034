#include "sim/degradation.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace edgeloop::sim {
namespace {

constexpr std::array<std::string_view, kFailureModeCount> kModeNames = {
    "bearing_wear", "impeller_wear", "seal_leak", "cavitation"};

}  // namespace

std::string_view FailureModeName(FailureMode mode) { return kModeNames[static_cast<size_t>(mode)]; }

bool ParseFailureMode(std::string_view name, FailureMode* mode) {
  for (size_t i = 0; i < kModeNames.size(); ++i) {
    if (kModeNames[i] == name) {
      *mode = static_cast<FailureMode>(i);
      return true;
    }
  }
  return false;
}

double Degradation::Severity(int64_t time_ms) const {
  if (time_ms <= onset_ms) return 0.0;
  if (time_ms >= failure_ms) return 1.0;
  const double x =
      static_cast<double>(time_ms - onset_ms) / static_cast<double>(failure_ms - onset_ms);
  return std::expm1(growth * x) / std::expm1(growth);
}

HealthEffects EffectsOf(FailureMode mode, double severity, double suction_supply_bar) {
  const double s = std::clamp(severity, 0.0, 1.0);
  HealthEffects e;
  switch (mode) {
    case FailureMode::kBearingWear:
      // Spalled races: impacts (vibration, mostly at the drive end), friction heat.
      e.bearing_wear = s;
      e.bearing_heat_c = 20.0 * std::pow(s, 1.5);
      e.extra_power_fraction = 0.02 * s;
      break;
    case FailureMode::kImpellerWear:
      // Eroded vanes and widened wear-ring gaps: less head and flow at the same speed, a little
      // imbalance; the pump does less hydraulic work, so the current drops.
      e.flow_factor = 1.0 - 0.15 * s;
      e.head_factor = 1.0 - 0.18 * s;
      e.efficiency_factor = 1.0 - 0.08 * s;
      e.imbalance_mm_s = 1.5 * s;
      break;
    case FailureMode::kSealLeak:
      // A leaking mechanical seal: the pump moves more fluid than the meter sees, the lower
      // resistance drops the head, the rubbing faces add friction and heat.
      e.flow_factor = 1.0 + 0.08 * s;
      e.head_factor = 1.0 - 0.08 * s;
      e.leak_fraction = 0.22 * s;
      e.extra_power_fraction = 0.07 * s;
      e.motor_heat_c = 8.0 * s;
      e.suction_gain_bar = 0.06 * s;
      break;
    case FailureMode::kCavitation: {
      // A clogging suction strainer starves the pump; vapour bubbles collapse on the vanes.
      const double c = std::pow(s, 1.3);
      e.suction_loss_bar = 0.85 * s * std::max(0.0, suction_supply_bar - 0.35);
      e.cavitation = c;
      e.flow_factor = 1.0 - 0.10 * c;
      e.head_factor = 1.0 - 0.08 * c;
      e.efficiency_factor = 1.0 - 0.05 * c;
      e.bearing_heat_c = 3.0 * c;
      break;
    }
  }
  return e;
}

}  // namespace edgeloop::sim
