#include "training/maintenance_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "base/time_format.h"

namespace edgeloop::training {
namespace {

constexpr int64_t kH = kMillisPerHour;

io::Event Failure(const std::string& asset, int hour) {
  io::Event e;
  e.asset = asset;
  e.time_ms = hour * kH;
  e.kind = io::EventKind::kFailure;
  return e;
}

// Asset A: hourly rows 0..49 and 61..99 (down 50..60), failure at 50 h, alerts at 20 h (false),
// 43-45 h (7 h before the failure) and 70-71 h (false). Asset B: rows 0..99, failure at 80 h,
// never alerted. Asset C's failure at 200 h has no rows before it.
struct Case {
  std::vector<Prediction> rows;
  std::vector<io::Event> events;
};

Case HandCase() {
  Case c;
  for (int h = 0; h < 100; ++h) {
    if (h >= 50 && h <= 60) continue;
    const bool over = h == 20 || (h >= 43 && h <= 45) || h == 70 || h == 71;
    c.rows.push_back({"A", h * kH, over ? 0.9 : 0.1, 0});
  }
  for (int h = 0; h < 100; ++h) c.rows.push_back({"B", h * kH, 0.2, 0});
  c.events = {Failure("A", 50), Failure("B", 80), Failure("C", 200)};
  return c;
}

TEST(MaintenanceMetrics, HandComputedCase) {
  Case c = HandCase();
  auto m = EvaluateMaintenance(c.rows, c.events, 0.5, 10 * kH, {});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->failures, 2u);  // C has no scored rows before its failure
  EXPECT_EQ(m->caught, 1u);
  EXPECT_DOUBLE_EQ(m->event_recall, 0.5);
  ASSERT_EQ(m->lead_times_hours.size(), 1u);
  EXPECT_DOUBLE_EQ(m->median_lead_time_hours, 7.0);
  EXPECT_EQ(m->alerts, 3u);
  EXPECT_EQ(m->false_alarms, 2u);
  // A: 89 rows, B: 100 rows, one hour each (the 49 h -> 61 h gap counts as one hour).
  EXPECT_DOUBLE_EQ(m->observed_asset_days, 189.0 / 24.0);
  EXPECT_NEAR(m->false_alarms_per_1000_asset_days, 2000.0 / (189.0 / 24.0), 1e-9);
}

TEST(MaintenanceMetrics, AlertThatEndsBeforeTheHorizonIsEarly) {
  Case c = HandCase();
  // With a 4 h horizon the alert over 43-45 h ends before 46 h: a false alarm and a miss.
  auto m = EvaluateMaintenance(c.rows, c.events, 0.5, 4 * kH, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->failures, 2u);
  EXPECT_EQ(m->caught, 0u);
  EXPECT_EQ(m->false_alarms, 3u);
  EXPECT_TRUE(std::isnan(m->median_lead_time_hours));
}

TEST(MaintenanceMetrics, AlertStillOnInTheHorizonCatchesWithCappedLeadTime) {
  Case c = HandCase();
  // With a 5 h horizon the alert raised at 43 h is still on at 45 h = 50 h - 5 h: caught, and
  // the lead time counts from the start of the horizon.
  auto m = EvaluateMaintenance(c.rows, c.events, 0.5, 5 * kH, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->caught, 1u);
  EXPECT_EQ(m->false_alarms, 2u);
  EXPECT_DOUBLE_EQ(m->median_lead_time_hours, 5.0);
}

TEST(MaintenanceMetrics, ContinuousAlertIsOneEpisode) {
  std::vector<Prediction> rows;
  for (int h = 0; h < 50; ++h) rows.push_back({"A", h * kH, h >= 30 ? 0.9 : 0.1, 0});
  auto m = EvaluateMaintenance(rows, {Failure("A", 50)}, 0.5, 10 * kH, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->alerts, 1u);
  EXPECT_EQ(m->false_alarms, 0u);
  EXPECT_EQ(m->caught, 1u);
  EXPECT_DOUBLE_EQ(m->median_lead_time_hours, 10.0);
}

TEST(MaintenanceMetrics, MedianOfLeadTimes) {
  EXPECT_DOUBLE_EQ(Median({5, 1, 3}), 3.0);
  EXPECT_DOUBLE_EQ(Median({4, 1, 3, 2}), 2.5);
  EXPECT_TRUE(std::isnan(Median({})));
}

TEST(MaintenanceMetrics, NoRowsGiveNanRates) {
  auto m = EvaluateMaintenance({}, {Failure("A", 5)}, 0.5, kH, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->failures, 0u);
  EXPECT_TRUE(std::isnan(m->event_recall));
  EXPECT_TRUE(std::isnan(m->false_alarms_per_1000_asset_days));
}

TEST(MaintenanceMetrics, RejectsZeroHorizon) {
  EXPECT_EQ(EvaluateMaintenance({}, {}, 0.5, 0, {}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgeloop::training
