#include "sim/pump_model.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace edgeloop::sim {
namespace {

constexpr double kGravity = 9.81;
constexpr double kWaterDensity = 1000.0;  // kg/m3
constexpr double kSqrt3 = std::numbers::sqrt3;

constexpr std::array<PumpType, kPumpTypeCount> kPumpTypes = {{
    {"ESP-400", 400.0, 120.0, 2950.0, 690.0, 0.78, 0.94, 7},
    {"ESP-250", 250.0, 140.0, 3500.0, 690.0, 0.75, 0.93, 7},
    {"CP-90", 90.0, 55.0, 1480.0, 400.0, 0.72, 0.92, 6},
}};

// Time constants of the thermal lags and the slow random walks.
constexpr double kMotorTauS = 40.0 * 60;
constexpr double kBearingTauS = 25.0 * 60;
constexpr double kTankTauS = 2.0 * 86400;
constexpr double kTankSigmaBar = 0.12;
constexpr double kGridTauS = 6.0 * 3600;
constexpr double kGridSigma = 0.006;

// One step of an Ornstein-Uhlenbeck process with time constant tau and stationary sigma.
double MeanReverting(double x, double dt_s, double tau_s, double sigma, Random& random) {
  const double a = std::exp(-dt_s / tau_s);
  return a * x + sigma * std::sqrt(1.0 - a * a) * random.Normal();
}

double Lag(double value, double target, double dt_s, double tau_s) {
  return target + (value - target) * std::exp(-dt_s / tau_s);
}

}  // namespace

const PumpType& PumpTypeAt(int index) { return kPumpTypes[static_cast<size_t>(index)]; }

double PumpParams::rated_active_current_a() const {
  const PumpType& t = pump_type();
  const double hydraulic_w =
      kWaterDensity * kGravity * (t.rated_flow_m3h / 3600.0) * t.rated_head_m;
  const double electrical_w = hydraulic_w / (t.pump_efficiency * t.motor_efficiency);
  return electrical_w / (kSqrt3 * t.rated_voltage_v);
}

double PumpParams::rated_current_a() const {
  const double active = rated_active_current_a();
  return std::hypot(active, magnetizing_fraction * active);
}

PumpParams DrawPumpParams(Random& random) {
  PumpParams p;
  p.type = static_cast<int>(random.UniformInt(0, kPumpTypeCount - 1));
  p.flow_scale = random.Normal(1.0, 0.02);
  p.head_scale = random.Normal(1.0, 0.02);
  p.efficiency_scale = random.Normal(1.0, 0.015);
  p.speed_offset = random.Normal(0.0, 0.002);
  p.voltage_v = p.pump_type().rated_voltage_v * random.Normal(1.0, 0.01);
  p.magnetizing_fraction = random.Uniform(0.25, 0.35);
  p.suction_supply_bar = random.Uniform(1.5, 3.5);
  p.suction_line_loss_bar = random.Uniform(0.1, 0.3);
  p.motor_rise_c = random.Uniform(55.0, 70.0);
  p.bearing_rise_c = random.Uniform(18.0, 28.0);
  p.vib_de_mm_s = random.Uniform(1.0, 2.2);
  p.vib_nde_ratio = random.Uniform(0.6, 0.9);
  p.bearing_base_wear = random.Uniform(0.02, 0.08);
  p.resonance_hz = random.Uniform(2800.0, 3600.0);
  p.phase_1x = random.Uniform(0.0, 2.0 * std::numbers::pi);
  return p;
}

PumpPhysics SteadyState(const PumpParams& params, double speed_rpm, double density,
                        double voltage_v, const HealthEffects& e) {
  const PumpType& t = params.pump_type();
  const double r = speed_rpm / t.rated_speed_rpm;
  PumpPhysics out;
  out.throughput_m3h = t.rated_flow_m3h * params.flow_scale * r * e.flow_factor;
  out.flow_m3h = out.throughput_m3h * (1.0 - e.leak_fraction);
  out.head_m = t.rated_head_m * params.head_scale * r * r * e.head_factor;
  out.differential_bar = density * kWaterDensity * kGravity * out.head_m / 1e5;
  out.hydraulic_power_w =
      density * kWaterDensity * kGravity * (out.throughput_m3h / 3600.0) * out.head_m;
  const double efficiency = t.pump_efficiency * params.efficiency_scale * e.efficiency_factor;
  out.shaft_power_w = out.hydraulic_power_w / efficiency * (1.0 + e.extra_power_fraction);
  const double active_a = out.shaft_power_w / t.motor_efficiency / (kSqrt3 * voltage_v);
  const double magnetizing_a =
      params.magnetizing_fraction * params.rated_active_current_a() * voltage_v / t.rated_voltage_v;
  out.current_a = std::hypot(active_a, magnetizing_a);
  return out;
}

PumpModel::PumpModel(PumpParams params, Random noise) : params_(params), noise_(noise) {}

void PumpModel::AdvanceSlowStates(double dt_s) {
  tank_level_bar_ = MeanReverting(tank_level_bar_, dt_s, kTankTauS, kTankSigmaBar, noise_);
  grid_deviation_ = MeanReverting(grid_deviation_, dt_s, kGridTauS, kGridSigma, noise_);
}

double PumpModel::Vibration(double base_mm_s, double r, const HealthEffects& e, double wear,
                            bool de) {
  // Bearing defects show mostly at the drive end, where the load is; imbalance at both ends.
  const double wear_gain = de ? 7.0 : 1.8;
  const double imbalance_gain = de ? 1.0 : 0.7;
  const double cavitation_gain = de ? 3.5 : 2.5;
  double v = base_mm_s + imbalance_gain * e.imbalance_mm_s * r * r +
             wear_gain * std::pow(wear, 1.5) * r + cavitation_gain * e.cavitation;
  v *= 1.0 + noise_.Normal(0.0, 0.04 + 0.10 * e.cavitation);
  return std::max(0.0, v);
}

void PumpModel::UpdateTemperatures(double motor_target_c, double bearing_target_c, double dt_s) {
  motor_temp_c_ = warm_ ? Lag(motor_temp_c_, motor_target_c, dt_s, kMotorTauS) : motor_target_c;
  bearing_temp_c_ =
      warm_ ? Lag(bearing_temp_c_, bearing_target_c, dt_s, kBearingTauS) : bearing_target_c;
  warm_ = true;
}

void PumpModel::SampleStopped(const OperatingPoint& point, double dt_s, SignalRow* row) {
  speed_rpm_ = 0;
  const double supply_bar = params_.suction_supply_bar + tank_level_bar_;
  // The check valve holds part of the system's static head on the discharge side.
  const double static_bar =
      0.3 * point.density * kWaterDensity * kGravity * params_.pump_type().rated_head_m / 1e5;
  UpdateTemperatures(point.ambient_c, point.ambient_c, dt_s);
  SignalRow& r = *row;
  r[Index(Signal::kSuctionPressure)] = supply_bar + noise_.Normal(0.0, 0.004);
  r[Index(Signal::kDischargePressure)] = supply_bar + static_bar + noise_.Normal(0.0, 0.01);
  r[Index(Signal::kVoltage)] =
      params_.voltage_v * (1.0 + grid_deviation_) + noise_.Normal(0.0, 0.4);
  r[Index(Signal::kVibDeRms)] = 0.02 + std::abs(noise_.Normal(0.0, 0.01));
  r[Index(Signal::kVibNdeRms)] = 0.02 + std::abs(noise_.Normal(0.0, 0.01));
}

void PumpModel::SampleRunning(const OperatingPoint& point, const HealthEffects& e, double dt_s,
                              SignalRow* row) {
  const PumpType& t = params_.pump_type();
  speed_rpm_ = point.load * t.rated_speed_rpm * (1.0 + params_.speed_offset);
  const double r = speed_rpm_ / t.rated_speed_rpm;
  // Current through the supply line drops the voltage a little.
  const double grid_v = params_.voltage_v * (1.0 + grid_deviation_);
  const double rated_a = params_.rated_current_a();
  PumpPhysics ph = SteadyState(params_, speed_rpm_, point.density, grid_v, e);
  const double voltage = grid_v * (1.0 - 0.015 * ph.current_a / rated_a);
  ph = SteadyState(params_, speed_rpm_, point.density, voltage, e);

  const double flow_ratio = ph.throughput_m3h / t.rated_flow_m3h;
  const double suction = params_.suction_supply_bar + tank_level_bar_ -
                         params_.suction_line_loss_bar * flow_ratio * flow_ratio -
                         e.suction_loss_bar + e.suction_gain_bar;
  double discharge = suction + ph.differential_bar + noise_.Normal(0.0, 0.015);
  if (e.cavitation > 0 && noise_.Bernoulli(0.35 * e.cavitation)) {
    discharge += noise_.Uniform(-1.0, 1.0) * (0.4 + 1.6 * e.cavitation);  // collapsing bubbles
  }
  const double flow = ph.flow_m3h * (1.0 + noise_.Normal(0.0, 0.004 + 0.06 * e.cavitation));

  // Copper losses grow with current squared; ESP motors are cooled by the fluid they pump.
  const double cooling_c = 0.5 * (point.ambient_c + point.fluid_temp_c);
  const double current_ratio = ph.current_a / rated_a;
  UpdateTemperatures(
      cooling_c + params_.motor_rise_c * current_ratio * current_ratio + e.motor_heat_c,
      cooling_c + params_.bearing_rise_c * std::pow(r, 1.5) + e.bearing_heat_c, dt_s);

  // Low flow makes the impeller recirculate, which shakes the pump.
  const double base =
      params_.vib_de_mm_s * (0.3 + 0.7 * r * r) * (1.0 + 1.5 * std::max(0.0, 0.75 - point.load));
  const double wear = std::min(1.0, params_.bearing_base_wear + e.bearing_wear);
  double vib_de = Vibration(base, r, e, wear, true);
  double vib_nde = Vibration(base * params_.vib_nde_ratio, r, e, wear, false);
  // Spalled races give impacts: occasional large RMS values (high kurtosis).
  if (e.bearing_wear > 0 && noise_.Bernoulli(0.01 + 0.25 * e.bearing_wear)) {
    const double impact = noise_.Uniform(0.5, 1.5) * (0.5 + 6.0 * e.bearing_wear);
    vib_de += impact;
    vib_nde += 0.3 * impact;
  }

  SignalRow& out = *row;
  out[Index(Signal::kSuctionPressure)] =
      suction + noise_.Normal(0.0, 0.004 * (1.0 + 4.0 * e.cavitation));
  out[Index(Signal::kDischargePressure)] = discharge;
  out[Index(Signal::kFlow)] = std::max(0.0, flow);
  out[Index(Signal::kMotorCurrent)] = ph.current_a * (1.0 + noise_.Normal(0.0, 0.003));
  out[Index(Signal::kVoltage)] = voltage + noise_.Normal(0.0, 0.4);
  out[Index(Signal::kVibDeRms)] = vib_de;
  out[Index(Signal::kVibNdeRms)] = vib_nde;
  out[Index(Signal::kSpeed)] = speed_rpm_ + noise_.Normal(0.0, 0.4);
}

SignalRow PumpModel::Sample(const OperatingPoint& point, const HealthEffects& effects, bool running,
                            int64_t dt_ms) {
  const double dt_s = static_cast<double>(dt_ms) / 1000.0;
  AdvanceSlowStates(dt_s);
  SignalRow row{};  // a stopped pump reads zero speed, flow and current
  if (running) {
    SampleRunning(point, effects, dt_s, &row);
  } else {
    SampleStopped(point, dt_s, &row);
  }
  row[Index(Signal::kMotorTemp)] = motor_temp_c_ + noise_.Normal(0.0, 0.05);
  row[Index(Signal::kBearingTemp)] = bearing_temp_c_ + noise_.Normal(0.0, 0.05);
  for (size_t i = 0; i < kSignalCount; ++i) row[i] = Quantize(static_cast<Signal>(i), row[i]);
  return row;
}

}  // namespace edgeloop::sim
