// PumpModel: the physics of one centrifugal pump and its motor, as its sensors see it.
//
// Hydraulics follow the affinity laws: throughput ~ speed, head ~ speed^2, hydraulic power
// ~ density * speed^3. The motor current is the active current of the electrical power
// (hydraulic power / (pump and motor efficiency), over sqrt(3) * voltage) combined with a
// magnetising current. Motor and bearing temperatures follow load, fluid and ambient temperature
// through first-order lags; vibration has a per-pump baseline that grows with speed, plus noise.
// Health effects (degradation.h) bend all of these. Each pump draws its own manufacturing
// spread (PumpParams). Not thread-safe; one per asset.
#pragma once

#include <array>
#include <string_view>

#include "base/random.h"
#include "sim/degradation.h"
#include "sim/operating_regime.h"
#include "sim/signals.h"

namespace edgeloop::sim {

// A pump model from the catalogue (the `model=` tag of an asset).
struct PumpType {
  std::string_view name;  // "ESP-400"
  double rated_flow_m3h;
  double rated_head_m;
  double rated_speed_rpm;
  double rated_voltage_v;
  double pump_efficiency;
  double motor_efficiency;
  int impeller_vanes;
};

inline constexpr int kPumpTypeCount = 3;
const PumpType& PumpTypeAt(int index);

// One pump as built: its type plus its own small deviations from the catalogue.
struct PumpParams {
  int type = 0;
  double flow_scale = 1.0;
  double head_scale = 1.0;
  double efficiency_scale = 1.0;
  double speed_offset = 0.0;           // relative error of the drive's speed control
  double voltage_v = 690.0;            // nominal supply voltage at this pump
  double magnetizing_fraction = 0.3;   // magnetising current / rated active current
  double suction_supply_bar = 2.5;     // suction pressure from the supply at standstill
  double suction_line_loss_bar = 0.2;  // friction loss in the suction line at rated flow
  double motor_rise_c = 60.0;          // motor temperature rise at rated current
  double bearing_rise_c = 22.0;        // bearing temperature rise at rated speed
  double vib_de_mm_s = 1.6;            // drive-end vibration at rated speed
  double vib_nde_ratio = 0.75;         // non-drive end relative to drive end
  double bearing_base_wear = 0.05;     // wear of healthy bearings (0..1)
  double resonance_hz = 3200.0;        // structural resonance excited by bearing impacts
  double phase_1x = 0.0;               // phase of the imbalance, for waveforms

  const PumpType& pump_type() const { return PumpTypeAt(type); }
  double rated_active_current_a() const;
  double rated_current_a() const;
};

PumpParams DrawPumpParams(Random& random);

// The noise-free steady state at one speed.
struct PumpPhysics {
  double throughput_m3h = 0;  // through the impeller
  double flow_m3h = 0;        // delivered past the flow meter
  double head_m = 0;
  double differential_bar = 0;
  double hydraulic_power_w = 0;
  double shaft_power_w = 0;
  double current_a = 0;
};

PumpPhysics SteadyState(const PumpParams& params, double speed_rpm, double density,
                        double voltage_v, const HealthEffects& effects);

class PumpModel {
 public:
  PumpModel(PumpParams params, Random noise);

  // The sensor values (at sensor resolution) after `dt_ms` more of operation at `point`;
  // a stopped pump (running = false) reads zero speed, flow and current and cools down.
  SignalRow Sample(const OperatingPoint& point, const HealthEffects& effects, bool running,
                   int64_t dt_ms);

  const PumpParams& params() const { return params_; }
  // The true shaft speed of the last sample (0 when stopped).
  double speed_rpm() const { return speed_rpm_; }

 private:
  void SampleRunning(const OperatingPoint& point, const HealthEffects& e, double dt_s,
                     SignalRow* row);
  void SampleStopped(const OperatingPoint& point, double dt_s, SignalRow* row);
  double Vibration(double base_mm_s, double r, const HealthEffects& e, double wear, bool de);
  void UpdateTemperatures(double motor_target_c, double bearing_target_c, double dt_s);
  void AdvanceSlowStates(double dt_s);

  PumpParams params_;
  Random noise_;
  bool warm_ = false;  // temperatures start at their steady state
  double motor_temp_c_ = 0;
  double bearing_temp_c_ = 0;
  double tank_level_bar_ = 0;  // slow suction-supply variation
  double grid_deviation_ = 0;  // slow relative supply-voltage variation
  double speed_rpm_ = 0;
};

}  // namespace edgeloop::sim
