// Degradation: how a pump wears from healthy to failed, and what each failure mode does to it.
//
// A Degradation starts at an onset time and ends in a failure at a known time; in between its
// severity grows from 0 to 1 roughly exponentially (slow at first, fast near the end), so the
// signature signals move most in the last days before the failure. HealthEffects translate a
// mode and a severity into the physical changes the pump model applies (less head, a leak, worn
// bearings, ...). Plain values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace edgeloop::sim {

enum class FailureMode { kBearingWear = 0, kImpellerWear, kSealLeak, kCavitation };

inline constexpr int kFailureModeCount = 4;

// "bearing_wear", "impeller_wear", "seal_leak", "cavitation".
std::string_view FailureModeName(FailureMode mode);
// Parses the names above; false when unknown.
bool ParseFailureMode(std::string_view name, FailureMode* mode);

struct Degradation {
  FailureMode mode = FailureMode::kBearingWear;
  int64_t onset_ms = 0;    // health starts to decline
  int64_t failure_ms = 0;  // the pump fails (severity reaches 1)
  double growth = 4.0;     // exponential growth rate of the severity curve
  bool forced = false;     // from a schedule or ForceFailure: planned maintenance cannot censor it

  // 0 before the onset, 1 at and after the failure time, (e^(g x) - 1) / (e^g - 1) in between,
  // where x is the elapsed fraction of the degradation.
  double Severity(int64_t time_ms) const;
};

// Physical changes of a degraded pump, applied by PumpModel. Neutral values mean healthy.
struct HealthEffects {
  double flow_factor = 1.0;           // throughput through the impeller at a given speed
  double head_factor = 1.0;           // head at a given speed
  double leak_fraction = 0.0;         // part of the throughput lost before the flow meter
  double efficiency_factor = 1.0;     // pump hydraulic efficiency multiplier
  double extra_power_fraction = 0.0;  // friction (seal faces, rubbing) added to shaft power
  double suction_loss_bar = 0.0;      // pressure lost in a clogging suction strainer
  double suction_gain_bar = 0.0;      // leak flow returned to the suction side
  double cavitation = 0.0;            // 0..1: noisy flow, pressure spikes, broadband vibration
  double bearing_wear = 0.0;          // 0..1: bearing vibration, heat and impacts
  double imbalance_mm_s = 0.0;        // extra 1x vibration velocity at rated speed
  double motor_heat_c = 0.0;          // extra motor temperature rise
  double bearing_heat_c = 0.0;        // extra bearing temperature rise
};

// The effects of `mode` at `severity` (0..1); `suction_supply_bar` scales the strainer loss.
HealthEffects EffectsOf(FailureMode mode, double severity, double suction_supply_bar);

}  // namespace edgeloop::sim
