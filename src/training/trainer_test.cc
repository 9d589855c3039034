#include "training/trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "base/random.h"
#include "base/time_format.h"

namespace edgeloop::training {
namespace {

constexpr int64_t kH = kMillisPerHour;
constexpr int64_t kStart = 1767225600000LL;  // 2026-01-01T00:00:00Z

struct Fleet {
  features::FeatureTable table;
  std::vector<io::Event> events;
};

// Hourly windows of `assets` pumps over `days` days. Each pump fails every 15-30 days and is
// repaired 12 h later. vibration_rms rises over the 96 h before a failure; temperature is noise;
// pressure is noise with every 11th value missing.
Fleet MakeFleet(int assets, int days, uint64_t seed) {
  Random random(seed);
  Fleet f;
  f.table.columns = {"vibration_rms", "temperature", "pressure"};
  const int hours = days * 24;
  for (int a = 0; a < assets; ++a) {
    const std::string asset = "P" + std::to_string(100 + a);
    std::vector<int> failures;
    for (int t = static_cast<int>(random.UniformInt(5 * 24, 25 * 24)); t < hours;
         t += static_cast<int>(random.UniformInt(15 * 24, 30 * 24))) {
      failures.push_back(t);
      f.events.push_back({kStart + t * kH, asset, io::EventKind::kFailure, "bearing_wear"});
      f.events.push_back({kStart + (t + 12) * kH, asset, io::EventKind::kRepair, ""});
    }
    size_t next = 0;
    for (int h = 1; h <= hours; ++h) {
      while (next < failures.size() && failures[next] < h) ++next;
      const double to_failure = next < failures.size() ? failures[next] - h : 1e9;
      const double rise = to_failure < 96 ? 2.0 * (1.0 - to_failure / 96.0) : 0.0;
      f.table.asset.push_back(asset);
      f.table.window_end_ms.push_back(kStart + h * kH);
      f.table.values.push_back(1.0 + rise + random.Normal(0, 0.15));
      f.table.values.push_back(60 + random.Normal(0, 2));
      f.table.values.push_back(h % 11 == 0 ? std::numeric_limits<double>::quiet_NaN()
                                           : 5 + random.Normal(0, 0.5));
    }
  }
  return f;
}

TrainConfig FastConfig() {
  TrainConfig c;
  c.labels.horizon_ms = 72 * kH;
  c.labels.window_length_ms = kH;
  c.xgboost.num_rounds = 40;
  c.xgboost.max_depth = 4;
  c.xgboost.nthread = 1;  // XGBoost threads slow down on a busy 2-core machine
  c.alert = {2, 3, 24 * kH};
  return c;
}

TEST(Trainer, FindsAFeatureThatRisesBeforeFailures) {
  Fleet fleet = MakeFleet(8, 120, 1);
  auto result = Train(fleet.table, fleet.events, FastConfig());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const EvaluationReport& r = result->report;
  EXPECT_GT(r.roc_auc, 0.9);
  EXPECT_GT(r.pr_auc, 0.6);
  EXPECT_GT(r.maintenance.failures, 5u);
  EXPECT_GE(r.maintenance.event_recall, 0.8);
  EXPECT_GT(r.maintenance.median_lead_time_hours, 12.0);
  EXPECT_EQ(result->model_digest.size(), 64u);
  EXPECT_EQ(result->dataset_digest.size(), 64u);
  EXPECT_EQ(result->feature_names, fleet.table.columns);
  EXPECT_EQ(result->xgboost_version, XgboostVersion());
}

TEST(Trainer, ReportAgreesWithItsPredictions) {
  Fleet fleet = MakeFleet(6, 90, 2);
  auto result = Train(fleet.table, fleet.events, FastConfig());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const EvaluationReport& r = result->report;
  const auto& preds = result->test_predictions;
  ASSERT_EQ(r.test_rows, preds.size());
  size_t positives = 0, predicted = 0;
  std::set<std::string> assets;
  for (const Prediction& p : preds) {
    positives += p.label > 0.5;
    predicted += p.score >= result->threshold;
    assets.insert(p.asset);
  }
  EXPECT_EQ(r.test_positives, positives);
  EXPECT_EQ(r.test_assets, assets.size());
  const Confusion& c = r.confusion;
  EXPECT_EQ(c.tp + c.fp + c.tn + c.fn, preds.size());
  EXPECT_EQ(c.tp + c.fn, positives);
  EXPECT_EQ(c.tp + c.fp, predicted);
  EXPECT_DOUBLE_EQ(r.precision, c.Precision());
  EXPECT_DOUBLE_EQ(r.recall, c.Recall());
  EXPECT_EQ(r.threshold, result->threshold);
  EXPECT_EQ(r.rows_total, fleet.table.rows());
  EXPECT_LE(r.train_rows + r.validation_rows + r.test_rows + r.rows_excluded, r.rows_total);
  EXPECT_LE(r.maintenance.caught, r.maintenance.failures);
  EXPECT_LE(r.maintenance.false_alarms, r.maintenance.alerts);

  auto j = ToJson(r);
  EXPECT_EQ(j["test_rows"].get<size_t>(), preds.size());
  EXPECT_EQ(j["failures_caught"].get<size_t>(), r.maintenance.caught);
  const std::string text = RenderReport(r);
  EXPECT_NE(text.find("Caught " + std::to_string(r.maintenance.caught) + " of " +
                      std::to_string(r.maintenance.failures) + " failures"),
            std::string::npos)
      << text;
}

TEST(Trainer, SameInputsGiveTheSameModelAndReport) {
  Fleet fleet = MakeFleet(4, 90, 3);
  auto a = Train(fleet.table, fleet.events, FastConfig());
  auto b = Train(fleet.table, fleet.events, FastConfig());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->model_json, b->model_json);
  EXPECT_EQ(a->model_digest, b->model_digest);
  EXPECT_EQ(a->threshold, b->threshold);
  EXPECT_EQ(ToJson(a->report).dump(), ToJson(b->report).dump());
}

TEST(Trainer, AssetSplitHoldsOutWholePumps) {
  Fleet fleet = MakeFleet(10, 90, 4);
  TrainConfig config = FastConfig();
  config.split = {SplitBy::kAsset, 0.3, 7};
  auto result = Train(fleet.table, fleet.events, config);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->report.test_assets, 3u);
  EXPECT_GT(result->report.roc_auc, 0.9);
  const auto held_out = ChooseTestAssets(fleet.table.asset, 0.3, 7);
  for (const Prediction& p : result->test_predictions) {
    EXPECT_TRUE(std::binary_search(held_out.begin(), held_out.end(), p.asset)) << p.asset;
  }
}

TEST(Trainer, FalseAlarmPolicyMeetsItsTargetOnValidation) {
  Fleet fleet = MakeFleet(8, 120, 5);
  TrainConfig config = FastConfig();
  config.threshold.policy = ThresholdPolicy::kFalseAlarmRate;
  config.threshold.max_false_alarms_per_1000_asset_days = 20;
  auto result = Train(fleet.table, fleet.events, config);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->report.threshold_policy, "false_alarm_rate");
  EXPECT_LE(result->threshold_choice.objective, 20.0);
  EXPECT_GT(result->threshold_choice.validation_rows, 0u);
}

TEST(Trainer, FixedThresholdFitsOnTheWholeTrainingPart) {
  Fleet fleet = MakeFleet(4, 90, 10);
  TrainConfig config = FastConfig();
  config.threshold.policy = ThresholdPolicy::kFixed;
  config.threshold.fixed_threshold = 0.4;
  auto fixed = Train(fleet.table, fleet.events, config);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(fixed->threshold, 0.4);
  EXPECT_EQ(fixed->report.validation_rows, 0u);
  auto tuned = Train(fleet.table, fleet.events, FastConfig());
  ASSERT_TRUE(tuned.ok());
  EXPECT_GT(fixed->report.train_rows, tuned->report.train_rows);
  EXPECT_EQ(fixed->report.test_rows, tuned->report.test_rows);  // the test part stays the same
}

TEST(Trainer, RegressionPredictsRemainingLife) {
  Fleet fleet = MakeFleet(8, 120, 6);
  TrainConfig config = FastConfig();
  config.task = Task::kRulRegression;
  config.xgboost.objective = "reg:squarederror";
  config.labels.rul_cap_hours = 200;
  auto result = Train(fleet.table, fleet.events, config);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  double mean = 0;
  for (const Prediction& p : result->test_predictions) mean += p.label;
  mean /= static_cast<double>(result->test_predictions.size());
  double var = 0;
  for (const Prediction& p : result->test_predictions) var += (p.label - mean) * (p.label - mean);
  const double sd = std::sqrt(var / static_cast<double>(result->test_predictions.size()));
  EXPECT_LT(result->report.regression.rmse, sd);  // better than guessing the mean
  EXPECT_GT(result->report.regression.nasa_score, 0);
  EXPECT_TRUE(std::isnan(result->threshold));
  EXPECT_NE(RenderReport(result->report).find("remaining useful life"), std::string::npos);
}

TEST(Trainer, RejectsEventOfUnknownPump) {
  Fleet fleet = MakeFleet(2, 30, 7);
  fleet.events.push_back({kStart, "P999", io::EventKind::kFailure, "seal_leak"});
  auto result = Train(fleet.table, fleet.events, FastConfig());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("P999"), std::string::npos);
}

TEST(Trainer, ExplainsWhenThereIsNothingToLearn) {
  Fleet fleet = MakeFleet(3, 60, 8);
  auto result = Train(fleet.table, {}, FastConfig());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(result.status().message().find("failure windows"), std::string::npos);

  features::FeatureTable empty;
  empty.columns = {"x"};
  EXPECT_FALSE(Train(empty, {}, FastConfig()).ok());
}

TEST(Trainer, RejectsBadConfig) {
  Fleet fleet = MakeFleet(2, 30, 9);
  TrainConfig config = FastConfig();
  config.alert.k = 4;  // k of n with k > n
  EXPECT_EQ(Train(fleet.table, fleet.events, config).status().code(), StatusCode::kInvalidArgument);
  config = FastConfig();
  config.xgboost.num_rounds = 0;
  EXPECT_EQ(Train(fleet.table, fleet.events, config).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgeloop::training
