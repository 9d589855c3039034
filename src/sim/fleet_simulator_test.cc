#include "sim/fleet_simulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <set>

#include "base/time_format.h"

namespace edgeloop::sim {
namespace {

// Every row of a run, flattened: rows[step][asset].
using Series = std::vector<std::vector<SignalRow>>;

Series Simulate(FleetSimulator& fleet, int64_t steps) {
  Series run;
  std::vector<SignalRow> rows;
  for (int64_t i = 0; i < steps; ++i) {
    fleet.Step(&rows);
    run.push_back(rows);
  }
  return run;
}

bool SameBits(const SignalRow& a, const SignalRow& b) {
  return std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0;
}

SimConfig Small(int assets, int days) {
  SimConfig c;
  c.assets = assets;
  c.days = days;
  return c;
}

double At(const SignalRow& row, Signal s) { return row[Index(s)]; }

TEST(FleetSimulator, SameSeedGivesIdenticalOutput) {
  FleetSimulator a(Small(5, 10));
  FleetSimulator b(Small(5, 10));
  const Series ra = Simulate(a, a.config().steps());
  const Series rb = Simulate(b, b.config().steps());
  for (size_t t = 0; t < ra.size(); ++t) {
    for (size_t k = 0; k < ra[t].size(); ++k) ASSERT_TRUE(SameBits(ra[t][k], rb[t][k])) << t;
  }
  ASSERT_EQ(a.events().size(), b.events().size());
  for (size_t i = 0; i < a.events().size(); ++i) {
    EXPECT_EQ(a.events()[i].time_ms, b.events()[i].time_ms);
    EXPECT_EQ(a.events()[i].asset, b.events()[i].asset);
  }
  Waveform wa = *a.RawVibration("P002", a.time_ms(), 0.2, 5000);
  Waveform wb = *b.RawVibration("P002", b.time_ms(), 0.2, 5000);
  EXPECT_EQ(wa.samples, wb.samples);
}

TEST(FleetSimulator, DifferentSeedGivesDifferentOutput) {
  SimConfig other = Small(5, 2);
  other.seed = 8;
  FleetSimulator a(Small(5, 2));
  FleetSimulator b(other);
  const Series ra = Simulate(a, 10);
  const Series rb = Simulate(b, 10);
  int differing = 0;
  for (size_t t = 0; t < ra.size(); ++t) {
    for (size_t k = 0; k < ra[t].size(); ++k) differing += SameBits(ra[t][k], rb[t][k]) ? 0 : 1;
  }
  EXPECT_EQ(differing, 50);
}

TEST(FleetSimulator, AssetSeriesDoesNotDependOnFleetSize) {
  FleetSimulator few(Small(5, 45));
  FleetSimulator many(Small(20, 45));
  const Series rf = Simulate(few, few.config().steps());
  const Series rm = Simulate(many, many.config().steps());
  for (size_t t = 0; t < rf.size(); ++t) {
    for (size_t k = 0; k < 5; ++k) ASSERT_TRUE(SameBits(rf[t][k], rm[t][k])) << t << " " << k;
  }
  for (size_t k = 0; k < 5; ++k) EXPECT_EQ(few.assets()[k].tags, many.assets()[k].tags);
  std::vector<io::Event> from_many;
  for (const io::Event& e : many.events()) {
    if (AssetIndex(e.asset, 5) >= 0) from_many.push_back(e);
  }
  ASSERT_EQ(few.events().size(), from_many.size());
  for (size_t i = 0; i < from_many.size(); ++i) {
    EXPECT_EQ(few.events()[i].time_ms, from_many[i].time_ms);
    EXPECT_EQ(few.events()[i].kind, from_many[i].kind);
  }
}

TEST(FleetSimulator, AssetsAreSpreadOverSitesWithTags) {
  FleetSimulator fleet(Small(7, 1));
  ASSERT_EQ(fleet.assets().size(), 7u);
  EXPECT_EQ(fleet.assets()[0].id, "P001");
  EXPECT_EQ(fleet.assets()[0].site, "north");
  EXPECT_EQ(fleet.assets()[4].site, "offshore");
  EXPECT_EQ(fleet.assets()[5].site, "north");
  for (const AssetInfo& a : fleet.assets()) {
    EXPECT_EQ(a.tags, "site=" + a.site + ";model=" + a.model);
    EXPECT_TRUE(a.model == "ESP-400" || a.model == "ESP-250" || a.model == "CP-90") << a.model;
  }
  EXPECT_EQ(FleetSimulator::SignalNames().size(), 10u);
  EXPECT_EQ(FleetSimulator::SignalNames()[0], "suction_pressure");
  EXPECT_EQ(FleetSimulator::SignalNames()[9], "speed");
}

TEST(FleetSimulator, FailureIsFollowedByRepairAndThePumpStandsStillBetween) {
  SimConfig c = Small(20, 90);
  c.random_sensor_faults = false;
  FleetSimulator fleet(c);
  const Series run = Simulate(fleet, c.steps());
  int failures = 0;
  for (size_t i = 0; i < fleet.events().size(); ++i) {
    const io::Event& failure = fleet.events()[i];
    if (failure.kind != io::EventKind::kFailure) continue;
    ++failures;
    EXPECT_FALSE(failure.failure_mode.empty());
    // The asset's next event is its repair, 12-72 h later (unless the run ended first).
    const io::Event* repair = nullptr;
    for (size_t j = i + 1; j < fleet.events().size() && !repair; ++j) {
      if (fleet.events()[j].asset == failure.asset) repair = &fleet.events()[j];
    }
    const int64_t until = repair ? repair->time_ms : fleet.time_ms() + 1;
    if (repair) {
      EXPECT_EQ(repair->kind, io::EventKind::kRepair);
      EXPECT_GE(repair->time_ms - failure.time_ms, 12 * kMillisPerHour);
      EXPECT_LE(repair->time_ms - failure.time_ms, 72 * kMillisPerHour);
    }
    const size_t k = static_cast<size_t>(AssetIndex(failure.asset, c.assets));
    for (size_t t = 0; t < run.size(); ++t) {
      const int64_t time = c.start_ms + static_cast<int64_t>(t) * c.period_ms;
      if (time < failure.time_ms || time >= until) continue;
      ASSERT_EQ(At(run[t][k], Signal::kSpeed), 0.0) << failure.asset;
      ASSERT_EQ(At(run[t][k], Signal::kFlow), 0.0);
      ASSERT_EQ(At(run[t][k], Signal::kMotorCurrent), 0.0);
      ASSERT_LT(At(run[t][k], Signal::kVibDeRms), 0.1);
    }
  }
  // About one failure per asset every 60-90 days.
  EXPECT_GE(failures, 12);
  EXPECT_LE(failures, 35);
}

TEST(FleetSimulator, TemperaturesDecayToAmbientWhileDown) {
  SimConfig c = Small(1, 10);
  c.random_failures = false;
  c.random_sensor_faults = false;
  c.schedule.failures.push_back(
      {"P001", FailureMode::kSealLeak, c.start_ms + 3 * kMillisPerDay, 2 * kMillisPerDay});
  FleetSimulator fleet(c);
  const Series run = Simulate(fleet, c.steps());
  const size_t at_failure = static_cast<size_t>(3 * kMillisPerDay / c.period_ms);
  const double hot = At(run[at_failure - 1][0], Signal::kMotorTemp);
  const double cooled = At(run[at_failure + 60][0], Signal::kMotorTemp);  // 10 h later
  EXPECT_LT(cooled, hot - 20.0);
  EXPECT_GT(cooled, -30.0);
}

TEST(FleetSimulator, RegimeChangeShiftsDistributionsWithoutFailures) {
  SimConfig base = Small(5, 60);
  base.random_sensor_faults = false;
  SimConfig shifted = base;
  RegimeChange change;
  change.at_ms = base.start_ms + 30 * kMillisPerDay;
  change.assets.kind = AssetSelector::Kind::kSites;
  change.assets.names = {"north", "south"};
  change.load = 0.7;
  change.density = 1.1;
  shifted.schedule.regimes.push_back(change);
  FleetSimulator a(base);
  FleetSimulator b(shifted);
  const Series ra = Simulate(a, base.steps());
  const Series rb = Simulate(b, base.steps());

  // Same failures, repairs and maintenance with and without the regime change.
  ASSERT_EQ(a.events().size(), b.events().size());
  for (size_t i = 0; i < a.events().size(); ++i) {
    EXPECT_EQ(a.events()[i].time_ms, b.events()[i].time_ms);
    EXPECT_EQ(a.events()[i].kind, b.events()[i].kind);
  }
  const size_t change_step = static_cast<size_t>(30 * kMillisPerDay / base.period_ms);
  for (size_t k = 0; k < 5; ++k) {
    double flow_a = 0, flow_b = 0, dp_a = 0, dp_b = 0;
    for (size_t t = change_step; t < ra.size(); ++t) {
      flow_a += At(ra[t][k], Signal::kFlow);
      flow_b += At(rb[t][k], Signal::kFlow);
      dp_a += At(ra[t][k], Signal::kDischargePressure);
      dp_b += At(rb[t][k], Signal::kDischargePressure);
    }
    const bool selected = k == 0 || k == 1;  // north, south
    if (selected) {
      EXPECT_LT(flow_b, 0.85 * flow_a) << k;
      EXPECT_LT(dp_b, 0.85 * dp_a) << k;
    } else {
      EXPECT_EQ(flow_a, flow_b) << k;
    }
    for (size_t t = 0; t < change_step; ++t) ASSERT_TRUE(SameBits(ra[t][k], rb[t][k]));
  }
}

TEST(FleetSimulator, ScheduledSensorFaultsShowUp) {
  SimConfig clean = Small(2, 12);
  clean.random_failures = false;
  clean.random_sensor_faults = false;
  SimConfig faulty = clean;
  const int64_t day = kMillisPerDay;
  auto fault = [&](Signal signal, SensorFaultKind kind, int start_day, double magnitude) {
    SensorFault f;
    f.asset = "P002";
    f.signal = signal;
    f.kind = kind;
    f.start_ms = clean.start_ms + start_day * day;
    f.duration_ms = 3 * day;
    f.magnitude = magnitude;
    faulty.schedule.sensor_faults.push_back(f);
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  fault(Signal::kBearingTemp, SensorFaultKind::kStuck, 1, nan);
  fault(Signal::kFlow, SensorFaultKind::kDropout, 2, nan);
  fault(Signal::kDischargePressure, SensorFaultKind::kSpikes, 3, 5.0);
  fault(Signal::kMotorTemp, SensorFaultKind::kBias, 5, 2.0);
  FleetSimulator a(clean);
  FleetSimulator b(faulty);
  const Series ra = Simulate(a, clean.steps());
  const Series rb = Simulate(b, clean.steps());
  ASSERT_EQ(b.sensor_faults().size(), 4u);
  EXPECT_FALSE(b.sensor_faults()[0].random);

  const int64_t per_day = day / clean.period_ms;
  auto window = [&](int start_day) {
    return std::pair<size_t, size_t>(start_day * per_day, (start_day + 3) * per_day);
  };
  // Stuck: one value for three days, where the real one moves.
  auto [s0, s1] = window(1);
  std::set<double> stuck_values, real_values;
  for (size_t t = s0; t < s1; ++t) {
    stuck_values.insert(At(rb[t][1], Signal::kBearingTemp));
    real_values.insert(At(ra[t][1], Signal::kBearingTemp));
  }
  EXPECT_EQ(stuck_values.size(), 1u);
  EXPECT_GT(real_values.size(), 10u);
  EXPECT_EQ(*stuck_values.begin(), At(ra[s0 - 1][1], Signal::kBearingTemp));
  // Dropout: missing values, and only there.
  auto [d0, d1] = window(2);
  for (size_t t = 0; t < rb.size(); ++t) {
    EXPECT_EQ(std::isnan(At(rb[t][1], Signal::kFlow)), t >= d0 && t < d1) << t;
  }
  // Spikes: isolated outliers of the given size.
  auto [p0, p1] = window(3);
  int spikes = 0;
  for (size_t t = p0; t < p1; ++t) {
    const double d =
        At(rb[t][1], Signal::kDischargePressure) - At(ra[t][1], Signal::kDischargePressure);
    if (d != 0) {
      EXPECT_NEAR(std::abs(d), 5.0, 1e-6);
      ++spikes;
    }
  }
  EXPECT_GT(spikes, 5);
  EXPECT_LT(spikes, static_cast<int>(p1 - p0) / 5);
  // Bias: the offset grows by the magnitude per day.
  auto [b0, b1] = window(5);
  auto offset = [&](size_t t) {
    return At(rb[t][1], Signal::kMotorTemp) - At(ra[t][1], Signal::kMotorTemp);
  };
  EXPECT_NEAR(offset(b0 + per_day), 2.0, 0.02);
  EXPECT_NEAR(offset(b1 - 1), 2.0 * 3 - 2.0 / per_day, 0.02);
  EXPECT_EQ(offset(b1), 0.0);
  // The other asset is untouched.
  for (size_t t = 0; t < ra.size(); ++t) ASSERT_TRUE(SameBits(ra[t][0], rb[t][0]));
}

TEST(FleetSimulator, RandomSensorFaultsAreRareAndRecorded) {
  SimConfig c = Small(20, 90);
  c.sensor_fault_rate = 4;
  FleetSimulator fleet(c);
  Simulate(fleet, c.steps());
  const size_t n = fleet.sensor_faults().size();
  EXPECT_GE(n, 8u);  // about 20 expected
  EXPECT_LE(n, 40u);
  for (size_t i = 1; i < n; ++i) {
    EXPECT_LE(fleet.sensor_faults()[i - 1].start_ms, fleet.sensor_faults()[i].start_ms);
    EXPECT_TRUE(fleet.sensor_faults()[i].random);
  }
}

TEST(FleetSimulator, ForceFailureAtRuntime) {
  SimConfig c = Small(3, 10);
  c.random_failures = false;
  FleetSimulator fleet(c);
  std::vector<SignalRow> rows;
  for (int i = 0; i < 6; ++i) fleet.Step(&rows);
  const int64_t failure_ms = fleet.time_ms() + 3 * kMillisPerDay;
  ASSERT_TRUE(
      fleet.ForceFailure("P002", FailureMode::kCavitation, failure_ms, 2 * kMillisPerDay).ok());
  EXPECT_EQ(fleet.ForceFailure("P404", FailureMode::kCavitation, failure_ms, kMillisPerDay).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(
      fleet.ForceFailure("P001", FailureMode::kSealLeak, fleet.time_ms(), kMillisPerDay).code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(
      fleet.ForceFailure("P002", FailureMode::kSealLeak, failure_ms + kMillisPerDay, kMillisPerDay)
          .code(),
      StatusCode::kFailedPrecondition);

  while (fleet.time_ms() < failure_ms - kMillisPerDay) fleet.Step(&rows);
  AssetCondition during = *fleet.Condition("P002");
  ASSERT_TRUE(during.degradation.has_value());
  EXPECT_EQ(*during.degradation, FailureMode::kCavitation);
  EXPECT_GT(during.severity, 0.0);
  EXPECT_LT(during.severity, 1.0);
  while (fleet.time_ms() < failure_ms) fleet.Step(&rows);
  EXPECT_FALSE(fleet.Condition("P002")->running);
  bool failed = false;
  for (const io::Event& e : fleet.events()) {
    if (e.kind == io::EventKind::kFailure) {
      EXPECT_EQ(e.asset, "P002");
      EXPECT_EQ(e.time_ms, failure_ms);
      EXPECT_EQ(e.failure_mode, "cavitation");
      failed = true;
    }
  }
  EXPECT_TRUE(failed);
}

TEST(FleetSimulator, MaintenanceCensorsRandomDegradations) {
  // With maintenance every 5-6 days and degradations lasting 5-30 days, most are caught.
  SimConfig c = Small(10, 120);
  c.maintenance_min_days = 5;
  c.maintenance_max_days = 6;
  c.failure_rate_per_year = 12;
  FleetSimulator fleet(c);
  Simulate(fleet, c.steps());
  int failures = 0, maintenance = 0;
  for (const io::Event& e : fleet.events()) {
    failures += e.kind == io::EventKind::kFailure;
    maintenance += e.kind == io::EventKind::kMaintenance;
  }
  EXPECT_GT(maintenance, 150);
  EXPECT_LT(failures, 10);
}

TEST(FleetSimulator, RejectsBadInput) {
  SimConfig c = Small(0, 10);
  EXPECT_EQ(FleetSimulator::Create(c).status().code(), StatusCode::kInvalidArgument);
  FleetSimulator fleet(Small(2, 1));
  EXPECT_EQ(fleet.RawVibration("P003", 0, 1, 1000).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fleet.RawVibration("P001", 0, 0, 1000).status().code(), StatusCode::kInvalidArgument);
  RegimeChange change;
  change.assets.kind = AssetSelector::Kind::kSites;
  change.assets.names = {"mars"};
  change.load = 0.5;
  EXPECT_EQ(fleet.ScheduleRegimeChange(change).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace edgeloop::sim
