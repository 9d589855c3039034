#include "sim/schedule.h"

#include <gtest/gtest.h>

#include <cmath>

#include "base/time_format.h"

namespace edgeloop::sim {
namespace {

const char kExample[] = R"(regimes:
  - at: 45d
    assets: all
    load: 0.8
    density: 1.05
    fluid_temp: 60
  - at: "day 50"
    site: north
    load: 0.7
  - at: 2026-03-01T00:00:00Z
    assets: [P001, P002]
    density: 0.95
sensor_faults:
  - asset: P003
    signal: bearing_temp
    kind: stuck
    start: 30d
    duration: 3d
  - asset: P005
    signal: vib_de_rms
    kind: bias
    start: 40d
    duration: 10d
    magnitude: 0.5
failures:
  - asset: P004
    mode: bearing_wear
    at: 60d
    lead: 14d
  - asset: P004
    mode: seal_leak
    at: 85d
random_failures: false
random_sensor_faults: false
)";

Status Apply(const std::string& yaml) {
  return ApplySchedule(SimConfig{}, yaml, "fleet.yaml").status();
}

TEST(Schedule, ParsesEverySection) {
  Result<SimConfig> result = ApplySchedule(SimConfig{}, kExample, "fleet.yaml");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const SimConfig& c = *result;
  const int64_t day = kMillisPerDay;
  ASSERT_EQ(c.schedule.regimes.size(), 3u);
  EXPECT_EQ(c.schedule.regimes[0].at_ms, c.start_ms + 45 * day);
  EXPECT_EQ(c.schedule.regimes[0].assets.kind, AssetSelector::Kind::kAll);
  EXPECT_EQ(*c.schedule.regimes[0].load, 0.8);
  EXPECT_EQ(*c.schedule.regimes[0].density, 1.05);
  EXPECT_EQ(*c.schedule.regimes[0].fluid_temp_c, 60.0);
  EXPECT_EQ(c.schedule.regimes[1].at_ms, c.start_ms + 50 * day);
  EXPECT_EQ(c.schedule.regimes[1].assets.kind, AssetSelector::Kind::kSites);
  EXPECT_EQ(c.schedule.regimes[1].assets.names, std::vector<std::string>{"north"});
  EXPECT_FALSE(c.schedule.regimes[1].density.has_value());
  EXPECT_EQ(c.schedule.regimes[2].at_ms, c.start_ms + 59 * day);
  EXPECT_TRUE(c.schedule.regimes[2].assets.Matches("P002", "south"));
  EXPECT_FALSE(c.schedule.regimes[2].assets.Matches("P003", "east"));

  ASSERT_EQ(c.schedule.sensor_faults.size(), 2u);
  EXPECT_EQ(c.schedule.sensor_faults[0].signal, Signal::kBearingTemp);
  EXPECT_EQ(c.schedule.sensor_faults[0].kind, SensorFaultKind::kStuck);
  EXPECT_EQ(c.schedule.sensor_faults[0].duration_ms, 3 * day);
  EXPECT_TRUE(std::isnan(c.schedule.sensor_faults[0].magnitude));
  EXPECT_EQ(c.schedule.sensor_faults[1].magnitude, 0.5);

  ASSERT_EQ(c.schedule.failures.size(), 2u);
  EXPECT_EQ(c.schedule.failures[0].mode, FailureMode::kBearingWear);
  EXPECT_EQ(c.schedule.failures[0].failure_ms, c.start_ms + 60 * day);
  EXPECT_EQ(c.schedule.failures[0].lead_ms, 14 * day);
  EXPECT_EQ(c.schedule.failures[1].lead_ms, 14 * day);  // the default
  EXPECT_FALSE(c.random_failures);
  EXPECT_FALSE(c.random_sensor_faults);
}

TEST(Schedule, EmptyDocumentChangesNothing) {
  Result<SimConfig> result = ApplySchedule(SimConfig{}, "# nothing planned\n", "empty.yaml");
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->schedule.regimes.empty());
  EXPECT_TRUE(result->random_failures);
}

TEST(Schedule, TimesAreTimestampsOrOffsets) {
  const int64_t start = SimConfig{}.start_ms;
  EXPECT_EQ(*ParseScheduleTime("45d", start), start + 45 * kMillisPerDay);
  EXPECT_EQ(*ParseScheduleTime("day 45", start), start + 45 * kMillisPerDay);
  EXPECT_EQ(*ParseScheduleTime("Day 1.5", start), start + 36 * kMillisPerHour);
  EXPECT_EQ(*ParseScheduleTime("12h", start), start + 12 * kMillisPerHour);
  EXPECT_EQ(*ParseScheduleTime("2026-01-02T00:00:00Z", start), start + kMillisPerDay);
  EXPECT_FALSE(ParseScheduleTime("tomorrow", start).ok());
  EXPECT_FALSE(ParseScheduleTime("day x", start).ok());
}

TEST(Schedule, UnknownKeyNamesFileLineAndKey) {
  Status s = Apply("regimes:\n  - at: 45d\n    lod: 0.8\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().rfind("fleet.yaml:3: regimes[0]: unknown key 'lod'", 0), 0u) << s.message();

  s = Apply("regimes: []\nfailure:\n  - asset: P001\n");
  EXPECT_EQ(s.message().rfind("fleet.yaml:2: schedule: unknown key 'failure'", 0), 0u)
      << s.message();
}

TEST(Schedule, UnknownAssetSignalModeAndKindNameTheLine) {
  Status s = Apply(
      "sensor_faults:\n  - asset: P003\n    signal: bearing_temp\n    kind: stuck\n"
      "    start: 1d\n    duration: 1d\n  - asset: P099\n    signal: flow\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().rfind("fleet.yaml:7: sensor_faults[1].asset: unknown asset 'P099'", 0), 0u)
      << s.message();

  s = Apply("sensor_faults:\n  - asset: P003\n    signal: bearing_tmp\n    kind: stuck\n");
  EXPECT_EQ(s.message().rfind("fleet.yaml:3: sensor_faults[0].signal: unknown signal", 0), 0u)
      << s.message();

  s = Apply("sensor_faults:\n  - asset: P003\n    signal: flow\n    kind: frozen\n");
  EXPECT_EQ(s.message().rfind("fleet.yaml:4: sensor_faults[0].kind: unknown kind 'frozen'", 0), 0u)
      << s.message();

  s = Apply("failures:\n  - asset: P004\n    mode: gearbox\n    at: 60d\n");
  EXPECT_EQ(s.message().rfind("fleet.yaml:3: failures[0].mode: unknown failure mode", 0), 0u)
      << s.message();

  s = Apply("regimes:\n  - at: 1d\n    site: mars\n    load: 0.5\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().rfind("fleet.yaml:3: regimes[0].site: unknown site 'mars'", 0), 0u)
      << s.message();
}

TEST(Schedule, BadValuesNameTheLine) {
  Status s = Apply("regimes:\n  - at: 1d\n    load: 3\n");
  EXPECT_EQ(s.message().rfind("fleet.yaml:3: regimes[0].load: 3 is outside", 0), 0u) << s.message();
  s = Apply("regimes:\n  - at: soon\n    load: 0.5\n");
  EXPECT_EQ(s.message().rfind("fleet.yaml:2: regimes[0].at: 'soon' is not a time", 0), 0u)
      << s.message();
  s = Apply("regimes:\n  - at: 1d\n");
  EXPECT_EQ(s.message().rfind("fleet.yaml:2: regimes[0]: needs at least one of", 0), 0u)
      << s.message();
  s = Apply("failures:\n  - asset: P004\n    mode: seal_leak\n");
  EXPECT_EQ(s.message().rfind("fleet.yaml:2: failures[0].at: missing", 0), 0u) << s.message();
  s = Apply("random_failures: maybe\n");
  EXPECT_EQ(s.message().rfind("fleet.yaml:1: random_failures: expected true or false", 0), 0u)
      << s.message();
  s = Apply(
      "sensor_faults:\n  - asset: P003\n    signal: flow\n    kind: stuck\n    start: 1d\n"
      "    duration: 1d\n    magnitude: 4\n");
  EXPECT_EQ(s.message().rfind("fleet.yaml:7: sensor_faults[0].magnitude: only spikes and bias", 0),
            0u)
      << s.message();
}

TEST(Schedule, OverlappingForcedFailuresAreRejected) {
  Status s = Apply(
      "failures:\n  - asset: P004\n    mode: seal_leak\n    at: 20d\n"
      "  - asset: P004\n    mode: cavitation\n    at: 25d\n    lead: 10d\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().rfind("fleet.yaml:7: failures[1].at: ", 0), 0u) << s.message();
  EXPECT_NE(s.message().find("overlaps"), std::string::npos) << s.message();
}

TEST(Schedule, SyntaxErrorsNameTheLine) {
  Status s = Apply("regimes:\n  - at: 1d\n    load: [0.5\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().rfind("fleet.yaml:", 0), 0u) << s.message();
  EXPECT_NE(s.message().find("not valid YAML"), std::string::npos) << s.message();
  s = Apply("- just\n- a list\n");
  EXPECT_EQ(s.message().rfind("fleet.yaml:1: schedule: expected a mapping", 0), 0u) << s.message();
}

}  // namespace
}  // namespace edgeloop::sim
