#include "training/threshold.h"

#include <gtest/gtest.h>

#include <cmath>

#include "base/time_format.h"

namespace edgeloop::training {
namespace {

constexpr int64_t kH = kMillisPerHour;

std::vector<Prediction> Scored(const std::vector<double>& scores,
                               const std::vector<double>& labels) {
  std::vector<Prediction> rows;
  for (size_t i = 0; i < scores.size(); ++i) {
    rows.push_back({"A", static_cast<int64_t>(i) * kH, scores[i], labels[i]});
  }
  return rows;
}

TEST(Threshold, CostPolicyMinimisesWeightedErrors) {
  // At >= 0.3: FN 0, FP 1 (the 0.4) -> cost 1 with 10:1; every other cut costs more.
  auto rows = Scored({0.1, 0.2, 0.3, 0.4, 0.8, 0.9}, {0, 0, 1, 0, 1, 1});
  auto choice = ChooseThreshold(rows, {}, 10 * kH, {}, {});
  ASSERT_TRUE(choice.ok()) << choice.status().ToString();
  EXPECT_DOUBLE_EQ(choice->threshold, 0.25);  // midway between 0.2 and 0.3
  EXPECT_DOUBLE_EQ(choice->objective, 1.0);
  EXPECT_EQ(choice->validation_rows, 6u);
  EXPECT_NE(choice->reason.find("10 x missed"), std::string::npos);
}

TEST(Threshold, CostTiesGoToTheHigherThreshold) {
  // With 1:1, ">= 0.3" (1 FP) and ">= 0.8" (1 FN) cost the same: fewer warnings win.
  auto rows = Scored({0.1, 0.2, 0.3, 0.4, 0.8, 0.9}, {0, 0, 1, 0, 1, 1});
  ThresholdConfig config;
  config.missed_failure_cost = 1;
  auto choice = ChooseThreshold(rows, {}, 10 * kH, {}, config);
  ASSERT_TRUE(choice.ok());
  EXPECT_DOUBLE_EQ(choice->threshold, 0.6);
  std::swap(rows[0], rows[5]);  // row order does not matter
  auto again = ChooseThreshold(rows, {}, 10 * kH, {}, config);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->threshold, choice->threshold);
}

TEST(Threshold, FalseAlarmPolicyTakesLowestThresholdMeetingTarget) {
  // 100 hourly windows (100/24 days), no failures. Spikes of 0.3 at 10, 30, 50, 70 h and of 0.6
  // at 20 and 60 h. Warning on everything is one long alert (240 per 1,000 days); above 0.1 six
  // alerts (1440); above 0.3 two (480); above 0.6 none.
  std::vector<double> scores(100, 0.1), labels(100, 0);
  for (int h : {10, 30, 50, 70}) scores[h] = 0.3;
  for (int h : {20, 60}) scores[h] = 0.6;
  auto rows = Scored(scores, labels);
  ThresholdConfig config;
  config.policy = ThresholdPolicy::kFalseAlarmRate;
  config.max_false_alarms_per_1000_asset_days = 500;
  auto choice = ChooseThreshold(rows, {}, 10 * kH, {}, config);
  ASSERT_TRUE(choice.ok()) << choice.status().ToString();
  EXPECT_DOUBLE_EQ(choice->threshold, 0.1);
  EXPECT_NEAR(choice->objective, 240.0, 1e-9);

  config.max_false_alarms_per_1000_asset_days = 200;
  choice = ChooseThreshold(rows, {}, 10 * kH, {}, config);
  ASSERT_TRUE(choice.ok());
  EXPECT_GT(choice->threshold, 0.6);
  EXPECT_DOUBLE_EQ(choice->objective, 0.0);
}

TEST(Threshold, FalseAlarmPolicyCountsOnlyUnexplainedAlerts) {
  // Spikes of 0.6 at 20 h and 0.4 at 60 h; a failure at 25 h explains the first (horizon 10 h).
  // With no false alarm allowed, the cut must sit between 0.4 and 0.6.
  std::vector<double> scores(100, 0.1), labels(100, 0);
  scores[20] = 0.6;
  scores[60] = 0.4;
  auto rows = Scored(scores, labels);
  io::Event failure;
  failure.asset = "A";
  failure.time_ms = 25 * kH;
  ThresholdConfig config;
  config.policy = ThresholdPolicy::kFalseAlarmRate;
  config.max_false_alarms_per_1000_asset_days = 0;
  auto choice = ChooseThreshold(rows, {failure}, 10 * kH, {}, config);
  ASSERT_TRUE(choice.ok());
  EXPECT_DOUBLE_EQ(choice->threshold, 0.5);
  // Without the failure the 0.6 spike is a false alarm too: only "never warn" is left.
  choice = ChooseThreshold(rows, {}, 10 * kH, {}, config);
  ASSERT_TRUE(choice.ok());
  EXPECT_GT(choice->threshold, 0.6);
}

TEST(Threshold, FixedPolicyNeedsNoValidation) {
  ThresholdConfig config;
  config.policy = ThresholdPolicy::kFixed;
  config.fixed_threshold = 0.42;
  auto choice = ChooseThreshold({}, {}, kH, {}, config);
  ASSERT_TRUE(choice.ok());
  EXPECT_DOUBLE_EQ(choice->threshold, 0.42);
}

TEST(Threshold, ExplainsWhyItCannotChoose) {
  EXPECT_EQ(ChooseThreshold({}, {}, kH, {}, {}).status().code(), StatusCode::kFailedPrecondition);
  auto no_positives = Scored({0.1, 0.2}, {0, 0});
  EXPECT_EQ(ChooseThreshold(no_positives, {}, kH, {}, {}).status().code(),
            StatusCode::kFailedPrecondition);
  ThresholdConfig config;
  config.false_alarm_cost = -1;
  EXPECT_EQ(ChooseThreshold(no_positives, {}, kH, {}, config).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgeloop::training
