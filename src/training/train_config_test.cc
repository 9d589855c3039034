#include "training/train_config.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>

#include "base/time_format.h"

namespace edgeloop::training {
namespace {

Result<TrainConfig> Parse(const std::string& text) {
  return ParseTrainConfig(YAML::Load(text), "train.yaml");
}

TEST(TrainConfig, ParsesTheDocumentedExample) {
  auto c = Parse(R"(
training:
  task: classification
  horizon: 72h
  split: {by: time, test_fraction: 0.3}
  validation_fraction: 0.2
  threshold: {policy: cost, missed_failure_cost: 10, false_alarm_cost: 1}
  alert: {k: 2, n: 3, cooldown: 24h}
  xgboost: {num_rounds: 200, max_depth: 6, eta: 0.1, subsample: 0.8, colsample_bytree: 0.8,
            seed: 7, nthread: 2}
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->task, Task::kClassification);
  EXPECT_EQ(c->labels.horizon_ms, 72 * kMillisPerHour);
  EXPECT_EQ(c->split.by, SplitBy::kTime);
  EXPECT_DOUBLE_EQ(c->split.test_fraction, 0.3);
  EXPECT_DOUBLE_EQ(c->validation_fraction, 0.2);
  EXPECT_EQ(c->threshold.policy, ThresholdPolicy::kCost);
  EXPECT_DOUBLE_EQ(c->threshold.missed_failure_cost, 10);
  EXPECT_EQ(c->alert.k, 2);
  EXPECT_EQ(c->alert.n, 3);
  EXPECT_EQ(c->alert.cooldown_ms, 24 * kMillisPerHour);
  EXPECT_EQ(c->xgboost.num_rounds, 200);
  EXPECT_DOUBLE_EQ(c->xgboost.eta, 0.1);
  EXPECT_EQ(c->xgboost.seed, 7u);
  EXPECT_EQ(c->xgboost.objective, "binary:logistic");
}

TEST(TrainConfig, ParsesTheOtherChoices) {
  auto c = Parse(R"(
task: rul_regression
horizon: 3d
window_length: 30m
rul_cap: 500h
exclude_unknown_future: false
split: {by: time_and_asset, test_fraction: 0.25, seed: 99}
threshold: {policy: false_alarm_rate, per_1000_asset_days: 5}
xgboost: {scale_pos_weight: auto, tree_method: approx}
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->task, Task::kRulRegression);
  EXPECT_EQ(c->xgboost.objective, "reg:squarederror");  // the regression default
  EXPECT_EQ(c->labels.horizon_ms, 3 * kMillisPerDay);
  EXPECT_EQ(c->labels.window_length_ms, 30 * kMillisPerMinute);
  EXPECT_DOUBLE_EQ(c->labels.rul_cap_hours, 500);
  EXPECT_FALSE(c->labels.exclude_unknown_future);
  EXPECT_EQ(c->split.by, SplitBy::kTimeAndAsset);
  EXPECT_EQ(c->split.seed, 99u);
  EXPECT_EQ(c->threshold.policy, ThresholdPolicy::kFalseAlarmRate);
  EXPECT_DOUBLE_EQ(c->threshold.max_false_alarms_per_1000_asset_days, 5);
  EXPECT_TRUE(c->xgboost.auto_scale_pos_weight);
  EXPECT_EQ(c->xgboost.tree_method, "approx");
}

TEST(TrainConfig, EmptySectionGivesDefaults) {
  auto c = Parse("training:\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->labels.horizon_ms, 72 * kMillisPerHour);
  EXPECT_TRUE(std::isnan(c->labels.rul_cap_hours));
}

void ExpectError(const std::string& text, const std::string& where, const std::string& what) {
  auto c = Parse(text);
  ASSERT_FALSE(c.ok()) << text;
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find(where), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find(what), std::string::npos) << c.status().message();
}

TEST(TrainConfig, ErrorsNameFileAndLine) {
  ExpectError("training:\n  task: classification\n  horizon: soon\n", "train.yaml:3:", "horizon");
  ExpectError("training:\n  horizn: 72h\n", "train.yaml:2:", "unknown key 'horizn'");
  ExpectError("training:\n  split: {by: random}\n", "train.yaml:2:", "time, asset or");
  ExpectError("training:\n  split:\n    test_fraction: 1.5\n", "train.yaml:3:", "between 0 and 1");
  ExpectError("training:\n  xgboost:\n    eta: fast\n", "train.yaml:3:", "not a number");
  ExpectError("training:\n  xgboost:\n    max_depth: 2.5\n", "train.yaml:3:", "whole number");
  ExpectError("training:\n  alert: {k: 3, n: 2}\n", "train.yaml:2:", "1 <= k <= n");
  ExpectError("training:\n  threshold: {policy: magic}\n", "train.yaml:2:", "not cost");
  ExpectError("training:\n  exclude_unknown_future: maybe\n", "train.yaml:2:", "true or false");
  ExpectError("training:\n  split: [time]\n", "train.yaml:2:", "expected a map");
  ExpectError("training:\n  validation_fraction: 0\n", "train.yaml", "needs validation rows");
}

TEST(TrainConfig, MissingSectionIsAnError) {
  auto c = ParseTrainConfig(YAML::Node(), "train.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("train.yaml"), std::string::npos);
}

}  // namespace
}  // namespace edgeloop::training
