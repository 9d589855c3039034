#include "training/anomaly_threshold.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace edgeloop::training {
namespace {

TEST(AnomalyThreshold, QuantileInterpolatesLikeNumpy) {
  // numpy.quantile([1, 2, 3, 4, 5], 0.9) == 4.6
  auto q = ScoreQuantile({5, 1, 4, 2, 3}, 0.9);
  ASSERT_TRUE(q.ok());
  EXPECT_NEAR(*q, 4.6, 1e-12);
}

TEST(AnomalyThreshold, FalseAlarmRateIsTheUpperQuantileTimesFactor) {
  std::vector<double> scores;
  for (int i = 0; i <= 100; ++i) scores.push_back(i);
  AnomalyThresholdConfig config;
  config.rule = AnomalyThresholdRule::kFalseAlarmRate;
  config.false_alarm_rate = 0.05;
  config.factor = 2;
  auto t = AnomalyThreshold(scores, config);
  ASSERT_TRUE(t.ok());
  EXPECT_NEAR(*t, 190.0, 1e-9);
}

TEST(AnomalyThreshold, RejectsEmptyOrNonFiniteScoresAndBadRules) {
  EXPECT_FALSE(AnomalyThreshold({}, AnomalyThresholdConfig{}).ok());
  EXPECT_FALSE(
      AnomalyThreshold({1, std::numeric_limits<double>::quiet_NaN()}, AnomalyThresholdConfig{})
          .ok());
  AnomalyThresholdConfig bad;
  bad.quantile = 0;
  EXPECT_FALSE(AnomalyThreshold({1, 2}, bad).ok());
  AnomalyThresholdRule rule;
  EXPECT_TRUE(ParseAnomalyThresholdRule("false_alarm_rate", &rule));
  EXPECT_EQ(rule, AnomalyThresholdRule::kFalseAlarmRate);
  EXPECT_FALSE(ParseAnomalyThresholdRule("cost", &rule));
}

}  // namespace
}  // namespace edgeloop::training
