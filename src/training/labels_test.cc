#include "training/labels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "base/time_format.h"

namespace edgeloop::training {
namespace {

constexpr int64_t kH = kMillisPerHour;

// Hourly rows of one or more assets from 0 h to `last_hour` h, one column.
features::FeatureTable Hourly(const std::vector<std::string>& assets, int last_hour) {
  features::FeatureTable t;
  t.columns = {"x"};
  for (const std::string& a : assets) {
    for (int h = 0; h <= last_hour; ++h) {
      t.asset.push_back(a);
      t.window_end_ms.push_back(h * kH);
      t.values.push_back(h);
    }
  }
  return t;
}

io::Event Ev(const std::string& asset, int hour, io::EventKind kind) {
  io::Event e;
  e.asset = asset;
  e.time_ms = hour * kH;
  e.kind = kind;
  if (kind == io::EventKind::kFailure) e.failure_mode = "bearing_wear";
  return e;
}

LabelConfig Config() {
  LabelConfig c;
  c.horizon_ms = 10 * kH;
  c.window_length_ms = 2 * kH;
  return c;
}

TEST(Labels, MarksRowsWithinHorizonOfAFailure) {
  auto table = Hourly({"A"}, 100);
  std::vector<io::Event> events = {Ev("A", 50, io::EventKind::kFailure),
                                   Ev("A", 60, io::EventKind::kRepair)};
  auto labels = MakeLabels(table, events, Config());
  ASSERT_TRUE(labels.ok()) << labels.status().ToString();
  EXPECT_EQ(labels->failure_within_horizon[39], 0);
  EXPECT_DOUBLE_EQ(labels->rul_hours[39], 11.0);
  EXPECT_EQ(labels->failure_within_horizon[40], 1);  // failure in (40 h, 50 h]
  EXPECT_DOUBLE_EQ(labels->rul_hours[40], 10.0);
  EXPECT_EQ(labels->failure_within_horizon[49], 1);
  EXPECT_DOUBLE_EQ(labels->rul_hours[49], 1.0);
  EXPECT_FALSE(labels->excluded[49]);
  EXPECT_EQ(labels->CountPositives(), 10u);  // 40 h .. 49 h
}

TEST(Labels, ExcludesWindowsOverlappingDownTime) {
  auto table = Hourly({"A"}, 100);
  std::vector<io::Event> events = {Ev("A", 50, io::EventKind::kFailure),
                                   Ev("A", 60, io::EventKind::kRepair)};
  auto labels = MakeLabels(table, events, Config());
  ASSERT_TRUE(labels.ok());
  EXPECT_TRUE(labels->excluded[50]);  // window (48, 50] meets the failure instant
  EXPECT_TRUE(labels->excluded[55]);
  EXPECT_TRUE(labels->excluded[61]);               // window (59, 61] still holds down time
  EXPECT_FALSE(labels->excluded[62]);              // window (60, 62] starts after the repair
  EXPECT_TRUE(std::isnan(labels->rul_hours[62]));  // no later failure: censored
}

TEST(Labels, ZeroLengthWindowIsAnInstant) {
  auto table = Hourly({"A"}, 100);
  std::vector<io::Event> events = {Ev("A", 50, io::EventKind::kFailure),
                                   Ev("A", 60, io::EventKind::kRepair)};
  LabelConfig config = Config();
  config.window_length_ms = 0;
  auto labels = MakeLabels(table, events, config);
  ASSERT_TRUE(labels.ok());
  EXPECT_FALSE(labels->excluded[49]);
  EXPECT_TRUE(labels->excluded[50]);
  EXPECT_TRUE(labels->excluded[60]);
  EXPECT_FALSE(labels->excluded[61]);
}

TEST(Labels, FailureWithoutRepairExcludesTheRest) {
  auto table = Hourly({"A", "B"}, 100);
  std::vector<io::Event> events = {Ev("B", 30, io::EventKind::kFailure)};
  auto labels = MakeLabels(table, events, Config());
  ASSERT_TRUE(labels.ok());
  const size_t b0 = 101;
  EXPECT_FALSE(labels->excluded[b0 + 29]);
  EXPECT_EQ(labels->failure_within_horizon[b0 + 29], 1);
  for (int h = 30; h <= 100; ++h) EXPECT_TRUE(labels->excluded[b0 + h]) << h;
  // Asset A has no events: its rows are negatives, but the last 10 h have an unknown future.
  EXPECT_FALSE(labels->excluded[90]);
  EXPECT_TRUE(labels->excluded[91]);
}

TEST(Labels, UnknownFutureIsAnOption) {
  auto table = Hourly({"A"}, 100);
  LabelConfig config = Config();
  config.exclude_unknown_future = false;
  auto labels = MakeLabels(table, {}, config);
  ASSERT_TRUE(labels.ok());
  EXPECT_EQ(labels->CountExcluded(), 0u);
  config.exclude_unknown_future = true;
  labels = MakeLabels(table, {}, config);
  ASSERT_TRUE(labels.ok());
  EXPECT_EQ(labels->CountExcluded(), 10u);  // 91 h .. 100 h
}

TEST(Labels, LaterEventExtendsTheObservedFuture) {
  auto table = Hourly({"A"}, 100);
  auto labels = MakeLabels(table, {Ev("A", 120, io::EventKind::kInspection)}, Config());
  ASSERT_TRUE(labels.ok());
  EXPECT_EQ(labels->CountExcluded(), 0u);
}

TEST(Labels, CapsRemainingUsefulLife) {
  auto table = Hourly({"A"}, 100);
  LabelConfig config = Config();
  config.rul_cap_hours = 24;
  auto labels = MakeLabels(table, {Ev("A", 90, io::EventKind::kFailure)}, config);
  ASSERT_TRUE(labels.ok());
  EXPECT_DOUBLE_EQ(labels->rul_hours[0], 24.0);
  EXPECT_DOUBLE_EQ(labels->rul_hours[80], 10.0);
}

TEST(Labels, RejectsEventOfUnknownAsset) {
  auto table = Hourly({"A"}, 10);
  std::vector<io::Event> events = {Ev("A", 5, io::EventKind::kInspection),
                                   Ev("P999", 5, io::EventKind::kFailure)};
  auto labels = MakeLabels(table, events, Config());
  ASSERT_FALSE(labels.ok());
  EXPECT_EQ(labels.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(labels.status().message().find("events[1]"), std::string::npos);
  EXPECT_NE(labels.status().message().find("P999"), std::string::npos);
}

TEST(Labels, RejectsTimestampThatIsNotFinite) {
  auto table = Hourly({"A"}, 10);
  io::Event e = Ev("A", 5, io::EventKind::kFailure);
  e.time_ms = std::numeric_limits<int64_t>::max();
  auto labels = MakeLabels(table, {e}, Config());
  ASSERT_FALSE(labels.ok());
  EXPECT_NE(labels.status().message().find("events[0]"), std::string::npos);
  EXPECT_NE(labels.status().message().find("not a finite time"), std::string::npos);
}

TEST(Labels, RejectsBadConfigAndShape) {
  auto table = Hourly({"A"}, 10);
  LabelConfig config = Config();
  config.horizon_ms = 0;
  EXPECT_EQ(MakeLabels(table, {}, config).status().code(), StatusCode::kInvalidArgument);
  config = Config();
  config.rul_cap_hours = -1;
  EXPECT_EQ(MakeLabels(table, {}, config).status().code(), StatusCode::kInvalidArgument);
  table.values.pop_back();
  auto labels = MakeLabels(table, {}, Config());
  ASSERT_FALSE(labels.ok());
  EXPECT_NE(labels.status().message().find("expected rows x columns"), std::string::npos);
}

}  // namespace
}  // namespace edgeloop::training
