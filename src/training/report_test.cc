#include "training/report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "base/time_format.h"

namespace edgeloop::training {
namespace {

EvaluationReport Example() {
  EvaluationReport r;
  r.horizon_ms = 72 * kMillisPerHour;
  r.split = "time, test from 2026-03-01T00:00:00Z";
  r.rows_total = 20000;
  r.rows_excluded = 1200;
  r.train_rows = 12000;
  r.validation_rows = 2000;
  r.test_rows = 4321;
  r.test_positives = 300;
  r.test_assets = 8;
  r.threshold = 0.37;
  r.threshold_policy = "cost";
  r.threshold_reason = "chosen to minimise 10 x missed failure windows + 1 x false alarm windows";
  r.pr_auc = 0.81;
  r.roc_auc = 0.95;
  r.confusion = {200, 50, 3971, 100};
  r.precision = 0.8;
  r.recall = 2.0 / 3.0;
  r.f1 = 0.727;
  r.alert = {2, 3, 24 * kMillisPerHour};
  r.maintenance.failures = 16;
  r.maintenance.caught = 14;
  r.maintenance.event_recall = 14.0 / 16.0;
  r.maintenance.median_lead_time_hours = 52.2;
  r.maintenance.lead_times_hours = {52.2};
  r.maintenance.alerts = 17;
  r.maintenance.false_alarms = 3;
  r.maintenance.observed_asset_days = 1578.9;
  r.maintenance.false_alarms_per_1000_asset_days = 1.9;
  return r;
}

TEST(Report, HeadlineSpeaksTheEngineersLanguage) {
  const std::string text = RenderReport(Example());
  EXPECT_NE(text.find("Caught 14 of 16 failures (88 %) with a median warning of 52 h before "
                      "failure; 1.9 false alarms per 1,000 pump-days."),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("4,321 windows of 8 pumps"), std::string::npos) << text;
  EXPECT_NE(text.find("2 of the last 3 windows"), std::string::npos) << text;
  EXPECT_NE(text.find("returns within 24 h counts as the same alert"), std::string::npos) << text;
  EXPECT_NE(text.find("on 2,000 validation windows"), std::string::npos) << text;
  EXPECT_NE(text.find("ROC-AUC"), std::string::npos);
  EXPECT_NE(text.find("0.950"), std::string::npos);
  EXPECT_NE(text.find("1,200 of 20,000 windows were left out"), std::string::npos) << text;
}

TEST(Report, NoFailuresSaysSoInsteadOfDividingByZero) {
  EvaluationReport r = Example();
  r.maintenance.failures = r.maintenance.caught = 0;
  r.maintenance.event_recall = std::numeric_limits<double>::quiet_NaN();
  r.maintenance.median_lead_time_hours = std::numeric_limits<double>::quiet_NaN();
  const std::string text = RenderReport(r);
  EXPECT_NE(text.find("No failure happened in the test period"), std::string::npos) << text;
  EXPECT_EQ(text.find("nan"), std::string::npos) << text;
  auto json = ToJson(r);
  EXPECT_TRUE(json["event_recall"].is_null());
  EXPECT_EQ(json.dump().find("NaN"), std::string::npos);
}

TEST(Report, JsonCarriesEveryNumber) {
  auto j = ToJson(Example());
  EXPECT_EQ(j["task"], "classification");
  EXPECT_DOUBLE_EQ(j["horizon_hours"].get<double>(), 72.0);
  EXPECT_EQ(j["test_rows"].get<size_t>(), 4321u);
  EXPECT_EQ(j["test_positives"].get<size_t>(), 300u);
  EXPECT_EQ(j["test_failures"].get<size_t>(), 16u);
  EXPECT_EQ(j["failures_caught"].get<size_t>(), 14u);
  EXPECT_DOUBLE_EQ(j["threshold"].get<double>(), 0.37);
  EXPECT_EQ(j["threshold_policy"], "cost");
  EXPECT_DOUBLE_EQ(j["pr_auc"].get<double>(), 0.81);
  EXPECT_DOUBLE_EQ(j["median_lead_time_hours"].get<double>(), 52.2);
  EXPECT_DOUBLE_EQ(j["false_alarms_per_1000_asset_days"].get<double>(), 1.9);
  EXPECT_EQ(j["confusion"]["fn"].get<size_t>(), 100u);
  EXPECT_DOUBLE_EQ(j["alert"]["cooldown_hours"].get<double>(), 24.0);
  EXPECT_FALSE(j.contains("rmse_hours"));
}

TEST(Report, RegressionReportsErrorsInHours) {
  EvaluationReport r;
  r.task = "rul_regression";
  r.test_rows = 1234;
  r.test_assets = 5;
  r.split = "asset";
  r.regression = {45.2, 31.0, 1234.5};
  const std::string text = RenderReport(r);
  EXPECT_NE(text.find("off by 31 h on average"), std::string::npos) << text;
  EXPECT_NE(text.find("NASA score"), std::string::npos);
  auto j = ToJson(r);
  EXPECT_DOUBLE_EQ(j["rmse_hours"].get<double>(), 45.2);
  EXPECT_DOUBLE_EQ(j["nasa_score"].get<double>(), 1234.5);
  EXPECT_FALSE(j.contains("pr_auc"));
}

}  // namespace
}  // namespace edgeloop::training
