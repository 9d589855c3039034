#include "training/anomaly_trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/sha256.h"
#include "base/time_format.h"

namespace edgeloop::training {
namespace {

constexpr int64_t kStart = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr int64_t kHop = kMillisPerHour;

// Three pumps, one row per hour for 40 days, two correlated features. Pump "b" degrades in the
// 24 h before its failures on days 10 and 34: its features move far from the others'.
struct Data {
  features::FeatureTable table;
  std::vector<io::Event> events;
};

Data MakeData(bool with_failures, uint64_t seed = 11) {
  Random random(seed);
  Data d;
  d.table.columns = {"x", "y"};
  std::vector<int64_t> failures;
  if (with_failures) failures = {kStart + 10 * kMillisPerDay, kStart + 34 * kMillisPerDay};
  for (const std::string asset : {"a", "b", "c"}) {
    for (int64_t t = kStart + kHop; t <= kStart + 40 * kMillisPerDay; t += kHop) {
      double wear = 0;
      for (int64_t f : failures) {
        if (asset == "b" && t < f && f - t <= 24 * kHop) {
          wear = 1 - static_cast<double>(f - t) / static_cast<double>(24 * kHop);
        }
      }
      const double x = random.Normal(0, 1);
      d.table.asset.push_back(asset);
      d.table.window_end_ms.push_back(t);
      d.table.values.push_back(x + 8 * wear);
      d.table.values.push_back(0.8 * x + random.Normal(0, 0.3) - 8 * wear);
    }
  }
  for (int64_t f : failures) {
    d.events.push_back({f, "b", io::EventKind::kFailure, "bearing_wear"});
    d.events.push_back({f + 6 * kHop, "b", io::EventKind::kRepair, ""});
  }
  return d;
}

TrainConfig Config() {
  TrainConfig c;
  c.labels.horizon_ms = 24 * kHop;
  c.labels.window_length_ms = kHop;
  c.alert = {1, 1, 0};
  return c;
}

TEST(AnomalyTrainer, FitsOnHealthyTrainingRowsAndMeasuresTheTestPart) {
  const Data d = MakeData(true);
  AnomalyModelConfig model;
  model.threshold.quantile = 0.999;
  Result<AnomalyTrainResult> r = TrainAnomaly(d.table, d.events, Config(), model);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->fit_rows_rule, AnomalyFitRows::kHealthyTrainingRows);
  EXPECT_TRUE(r->evaluated);
  EXPECT_EQ(r->model_digest, Sha256Hex(r->model_json));
  EXPECT_EQ(r->fit_scores.size(), r->fit_rows.size());
  // No row of pump b in the day before its first failure was fitted on.
  for (size_t row : r->fit_rows) {
    const int64_t before = kStart + 10 * kMillisPerDay - d.table.window_end_ms[row];
    EXPECT_FALSE(d.table.asset[row] == "b" && before >= 0 && before < 24 * kHop) << row;
  }
  EXPECT_LT(r->fit_rows.size(), r->report.train_rows);
  const double q999 = *ScoreQuantile(r->fit_scores, 0.999);
  EXPECT_DOUBLE_EQ(r->threshold, q999);
  // The second failure is in the test part; the climb before it is caught.
  EXPECT_EQ(r->report.maintenance.failures, 1u);
  EXPECT_EQ(r->report.maintenance.caught, 1u);
  EXPECT_GT(r->report.pr_auc, 0.5);
  EXPECT_EQ(r->report.threshold_policy, "quantile");
  EXPECT_FALSE(r->test_predictions.empty());
}

TEST(AnomalyTrainer, WithoutFailuresEveryRowFitsAndNothingIsEvaluated) {
  const Data d = MakeData(false);
  AnomalyModelConfig model;
  model.kind = AnomalyKind::kIsolationForest;
  model.isolation_forest.trees = 20;
  Result<AnomalyTrainResult> r = TrainAnomaly(d.table, d.events, Config(), model);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->fit_rows_rule, AnomalyFitRows::kAllRows);
  EXPECT_EQ(r->fit_rows.size(), d.table.rows());
  EXPECT_FALSE(r->evaluated);
  EXPECT_TRUE(r->test_predictions.empty());
  EXPECT_NE(r->model_json.find("\"format\":\"edgeloop.isolation_forest\""), std::string::npos)
      << r->model_json.substr(0, 80);
}

TEST(AnomalyTrainer, SameInputsGiveTheSameBytesAndTheSeedMatters) {
  const Data d = MakeData(true);
  AnomalyModelConfig model;
  model.kind = AnomalyKind::kIsolationForest;
  model.isolation_forest.trees = 20;
  Result<AnomalyTrainResult> a = TrainAnomaly(d.table, d.events, Config(), model);
  Result<AnomalyTrainResult> b = TrainAnomaly(d.table, d.events, Config(), model);
  model.isolation_forest.seed += 1;
  Result<AnomalyTrainResult> c = TrainAnomaly(d.table, d.events, Config(), model);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->model_json, b->model_json);
  EXPECT_EQ(a->threshold, b->threshold);
  EXPECT_NE(a->model_digest, c->model_digest);
}

TEST(AnomalyTrainer, RejectsRegressionAndBadSettings) {
  const Data d = MakeData(true);
  TrainConfig regression = Config();
  regression.task = Task::kRulRegression;
  Result<AnomalyTrainResult> r = TrainAnomaly(d.table, d.events, regression, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("rul_regression"), std::string::npos);

  AnomalyModelConfig bad;
  bad.pca.explained_variance = 1.5;
  EXPECT_EQ(TrainAnomaly(d.table, d.events, Config(), bad).status().code(),
            StatusCode::kInvalidArgument);
  bad = {};
  bad.threshold.quantile = 0;
  EXPECT_EQ(TrainAnomaly(d.table, d.events, Config(), bad).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(AnomalyTrainer, KindNamesAreTheScorerKinds) {
  AnomalyKind kind = AnomalyKind::kPca;
  EXPECT_TRUE(ParseAnomalyKind("isolation_forest", &kind));
  EXPECT_EQ(kind, AnomalyKind::kIsolationForest);
  EXPECT_EQ(AnomalyKindName(AnomalyKind::kPca), "pca");
  EXPECT_FALSE(ParseAnomalyKind("xgboost", &kind));
}

}  // namespace
}  // namespace edgeloop::training
