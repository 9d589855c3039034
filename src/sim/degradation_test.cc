#include "sim/degradation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "base/time_format.h"
#include "sim/fleet_simulator.h"

namespace edgeloop::sim {
namespace {

TEST(Degradation, SeverityGrowsSlowlyThenFast) {
  Degradation d;
  d.onset_ms = 1000;
  d.failure_ms = 2000;
  d.growth = 4.0;
  EXPECT_EQ(d.Severity(0), 0.0);
  EXPECT_EQ(d.Severity(1000), 0.0);
  EXPECT_EQ(d.Severity(2000), 1.0);
  EXPECT_EQ(d.Severity(5000), 1.0);
  EXPECT_LT(d.Severity(1500), 0.2);  // half way in time, far less than half the damage
  double previous = 0;
  for (int64_t t = 1000; t <= 2000; t += 50) {
    EXPECT_GE(d.Severity(t), previous);
    previous = d.Severity(t);
  }
}

TEST(Degradation, ModeNamesRoundTrip) {
  for (int m = 0; m < kFailureModeCount; ++m) {
    FailureMode parsed;
    ASSERT_TRUE(ParseFailureMode(FailureModeName(static_cast<FailureMode>(m)), &parsed));
    EXPECT_EQ(static_cast<int>(parsed), m);
  }
  FailureMode unused;
  EXPECT_FALSE(ParseFailureMode("gearbox", &unused));
}

// Per-signal statistics over a window of one asset's samples.
struct Stats {
  double mean[kSignalCount] = {};
  double stddev[kSignalCount] = {};
  double kurtosis[kSignalCount] = {};
};

Stats Summarize(const std::vector<SignalRow>& rows) {
  Stats s;
  const double n = static_cast<double>(rows.size());
  for (size_t j = 0; j < kSignalCount; ++j) {
    double sum = 0;
    for (const SignalRow& r : rows) sum += r[j];
    s.mean[j] = sum / n;
    double m2 = 0, m4 = 0;
    for (const SignalRow& r : rows) {
      const double d = r[j] - s.mean[j];
      m2 += d * d;
      m4 += d * d * d * d;
    }
    s.stddev[j] = std::sqrt(m2 / n);
    s.kurtosis[j] = m2 > 0 ? (m4 / n) / ((m2 / n) * (m2 / n)) : 0;
  }
  return s;
}

// Simulates P001 of a small fleet with and without a forced failure of `mode` at day 20 (after
// 12 days of degradation). Both runs share every random stream, so before the onset they are
// identical and afterwards the difference is the degradation.
class DegradationSignature : public ::testing::TestWithParam<FailureMode> {
 protected:
  void SetUp() override {
    SimConfig healthy;
    healthy.assets = 1;
    healthy.days = 20;
    healthy.random_failures = false;
    healthy.random_sensor_faults = false;
    SimConfig failing = healthy;
    failing.schedule.failures.push_back(
        {"P001", GetParam(), healthy.start_ms + 20 * kMillisPerDay, 12 * kMillisPerDay});
    FleetSimulator a(healthy);
    FleetSimulator b(failing);
    std::vector<SignalRow> ra, rb;
    const int64_t steps_per_day = kMillisPerDay / healthy.period_ms;
    for (int64_t t = 0; t < healthy.steps(); ++t) {
      a.Step(&ra);
      b.Step(&rb);
      if (t < 8 * steps_per_day) {
        identical_before_onset_ &= std::memcmp(ra[0].data(), rb[0].data(), sizeof(SignalRow)) == 0;
      }
      if (t >= 18 * steps_per_day) {
        healthy_end_.push_back(ra[0]);
        failing_end_.push_back(rb[0]);
      }
    }
    h_ = Summarize(healthy_end_);
    f_ = Summarize(failing_end_);
  }

  // Relative change of the mean of `s` over the last two days before the failure.
  double Change(Signal s) const { return f_.mean[Index(s)] / h_.mean[Index(s)] - 1.0; }
  double Noise(const Stats& st, Signal s) const { return st.stddev[Index(s)]; }

  bool identical_before_onset_ = true;
  std::vector<SignalRow> healthy_end_, failing_end_;
  Stats h_, f_;
};

TEST_P(DegradationSignature, NothingChangesBeforeTheOnset) { EXPECT_TRUE(identical_before_onset_); }

TEST_P(DegradationSignature, SignatureSignalsMoveAsStated) {
  switch (GetParam()) {
    case FailureMode::kBearingWear:
      EXPECT_GT(Change(Signal::kVibDeRms), 0.5);
      EXPECT_GT(Change(Signal::kVibDeRms), Change(Signal::kVibNdeRms));
      EXPECT_GT(Change(Signal::kVibNdeRms), 0.05);
      EXPECT_GT(f_.mean[Index(Signal::kBearingTemp)], h_.mean[Index(Signal::kBearingTemp)] + 3.0);
      EXPECT_GT(f_.kurtosis[Index(Signal::kVibDeRms)], h_.kurtosis[Index(Signal::kVibDeRms)]);
      EXPECT_NEAR(Change(Signal::kFlow), 0.0, 0.01);
      break;
    case FailureMode::kImpellerWear:
      EXPECT_LT(Change(Signal::kDischargePressure), -0.05);
      EXPECT_LT(Change(Signal::kFlow), -0.05);
      EXPECT_NEAR(Change(Signal::kSpeed), 0.0, 0.001);  // at the same speed
      EXPECT_LT(Change(Signal::kMotorCurrent), -0.03);
      EXPECT_GT(Change(Signal::kVibDeRms), 0.05);
      break;
    case FailureMode::kSealLeak: {
      EXPECT_LT(Change(Signal::kFlow), -0.05);
      EXPECT_GT(Change(Signal::kMotorCurrent), 0.01);
      EXPECT_GT(f_.mean[Index(Signal::kMotorTemp)], h_.mean[Index(Signal::kMotorTemp)] + 3.0);
      const double dp_h =
          h_.mean[Index(Signal::kDischargePressure)] - h_.mean[Index(Signal::kSuctionPressure)];
      const double dp_f =
          f_.mean[Index(Signal::kDischargePressure)] - f_.mean[Index(Signal::kSuctionPressure)];
      EXPECT_LT(dp_f, 0.97 * dp_h);
      break;
    }
    case FailureMode::kCavitation:
      EXPECT_LT(Change(Signal::kSuctionPressure), -0.2);
      EXPECT_GT(Noise(f_, Signal::kFlow), 2.0 * Noise(h_, Signal::kFlow));
      EXPECT_GT(Change(Signal::kVibDeRms), 0.3);
      EXPECT_GT(Change(Signal::kVibNdeRms), 0.3);
      EXPECT_GT(f_.kurtosis[Index(Signal::kDischargePressure)],
                h_.kurtosis[Index(Signal::kDischargePressure)]);
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(AllModes, DegradationSignature,
                         ::testing::Values(FailureMode::kBearingWear, FailureMode::kImpellerWear,
                                           FailureMode::kSealLeak, FailureMode::kCavitation),
                         [](const auto& info) { return std::string(FailureModeName(info.param)); });

}  // namespace
}  // namespace edgeloop::sim
