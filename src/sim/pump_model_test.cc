#include "sim/pump_model.h"

#include <gtest/gtest.h>

#include <cmath>

namespace edgeloop::sim {
namespace {

PumpParams Esp400() {
  PumpParams p;
  p.type = 0;
  return p;
}

TEST(PumpModel, FollowsTheAffinityLaws) {
  const PumpParams p = Esp400();
  const HealthEffects healthy;
  const PumpPhysics full = SteadyState(p, 2950, 1.0, 690, healthy);
  const PumpPhysics half = SteadyState(p, 1475, 1.0, 690, healthy);
  EXPECT_NEAR(full.flow_m3h / half.flow_m3h, 2.0, 1e-9);
  EXPECT_NEAR(full.head_m / half.head_m, 4.0, 1e-9);
  EXPECT_NEAR(full.hydraulic_power_w / half.hydraulic_power_w, 8.0, 1e-9);
  EXPECT_NEAR(full.flow_m3h, 400.0, 1e-9);
  EXPECT_NEAR(full.head_m, 120.0, 1e-9);

  const PumpPhysics heavy = SteadyState(p, 2950, 1.2, 690, healthy);
  EXPECT_NEAR(heavy.flow_m3h, full.flow_m3h, 1e-9);  // flow and head do not care about density
  EXPECT_NEAR(heavy.head_m, full.head_m, 1e-9);
  EXPECT_NEAR(heavy.hydraulic_power_w / full.hydraulic_power_w, 1.2, 1e-9);
  EXPECT_NEAR(heavy.differential_bar / full.differential_bar, 1.2, 1e-9);
  EXPECT_GT(heavy.current_a, full.current_a);
}

TEST(PumpModel, CurrentComesFromPowerOverVoltage) {
  const PumpParams p = Esp400();
  const PumpPhysics rated = SteadyState(p, 2950, 1.0, 690, HealthEffects{});
  EXPECT_NEAR(rated.current_a, p.rated_current_a(), 1e-6);
  EXPECT_GT(rated.current_a, 100.0);  // a 180 kW motor at 690 V
  EXPECT_LT(rated.current_a, 300.0);
  const PumpPhysics high_voltage = SteadyState(p, 2950, 1.0, 725, HealthEffects{});
  EXPECT_LT(high_voltage.current_a, rated.current_a);
  // At low speed the magnetising current dominates: the current does not fall with speed^3.
  const PumpPhysics slow = SteadyState(p, 1475, 1.0, 690, HealthEffects{});
  EXPECT_GT(slow.current_a, 0.25 * rated.current_a);
}

TEST(PumpModel, ReadingsAreAtSensorResolution) {
  Random params_random(3);
  PumpModel pump(DrawPumpParams(params_random), Random(4));
  OperatingPoint point;
  const SignalRow row = pump.Sample(point, HealthEffects{}, true, 600'000);
  for (size_t i = 0; i < kSignalCount; ++i) {
    const double steps = SpecOf(static_cast<Signal>(i)).steps_per_unit;
    EXPECT_NEAR(row[i] * steps, std::round(row[i] * steps), 1e-6)
        << SpecOf(static_cast<Signal>(i)).name;
  }
  EXPECT_GT(row[Index(Signal::kSpeed)], 0.0);
}

TEST(PumpModel, StoppedPumpReadsZeroAndCoolsToAmbient) {
  Random params_random(3);
  const PumpParams params = DrawPumpParams(params_random);
  PumpModel pump(params, Random(4));
  OperatingPoint point;
  point.ambient_c = 10.0;
  const SignalRow warm = pump.Sample(point, HealthEffects{}, true, 600'000);
  EXPECT_GT(warm[Index(Signal::kMotorTemp)], 40.0);
  SignalRow row{};
  for (int i = 0; i < 48; ++i) row = pump.Sample(point, HealthEffects{}, false, 600'000);
  EXPECT_EQ(row[Index(Signal::kSpeed)], 0.0);
  EXPECT_EQ(row[Index(Signal::kFlow)], 0.0);
  EXPECT_EQ(row[Index(Signal::kMotorCurrent)], 0.0);
  EXPECT_LT(row[Index(Signal::kVibDeRms)], 0.1);
  EXPECT_NEAR(row[Index(Signal::kMotorTemp)], 10.0, 0.5);
  EXPECT_NEAR(row[Index(Signal::kBearingTemp)], 10.0, 0.5);
  EXPECT_NEAR(row[Index(Signal::kVoltage)], params.voltage_v,
              0.05 * params.voltage_v);  // still supplied
}

TEST(PumpModel, TemperatureFollowsLoadWithALag) {
  Random params_random(5);
  PumpModel pump(DrawPumpParams(params_random), Random(6));
  OperatingPoint low;
  low.load = 0.6;
  OperatingPoint high;
  high.load = 1.0;
  const double start = pump.Sample(low, HealthEffects{}, true, 60'000)[Index(Signal::kMotorTemp)];
  const double after_one_minute =
      pump.Sample(high, HealthEffects{}, true, 60'000)[Index(Signal::kMotorTemp)];
  double settled = 0;
  for (int i = 0; i < 600; ++i) {
    settled = pump.Sample(high, HealthEffects{}, true, 60'000)[Index(Signal::kMotorTemp)];
  }
  EXPECT_GT(settled, start + 10.0);
  EXPECT_LT(after_one_minute - start, 0.2 * (settled - start));
}

}  // namespace
}  // namespace edgeloop::sim
