#include "training/xgboost_trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "base/random.h"

namespace edgeloop::training {
namespace {

// Two features; the label is 1 when x0 + noise > 1. Every 17th x1 is missing.
struct Data {
  std::vector<double> rows;
  std::vector<float> labels;
  size_t n = 0;
};

Data MakeData(size_t n, uint64_t seed) {
  Random random(seed);
  Data d;
  d.n = n;
  for (size_t i = 0; i < n; ++i) {
    const double x0 = random.Uniform(0, 2);
    const double x1 = random.Normal();
    d.rows.push_back(x0);
    d.rows.push_back(i % 17 == 0 ? std::numeric_limits<double>::quiet_NaN() : x1);
    d.labels.push_back(x0 + 0.1 * random.Normal() > 1 ? 1.0f : 0.0f);
  }
  return d;
}

XgbParams SmallParams() {
  XgbParams p;
  p.num_rounds = 20;
  p.max_depth = 3;
  p.nthread = 1;  // XGBoost's threads crawl on a busy 2-core machine
  return p;
}

TEST(XgboostTrainer, SameSeedGivesByteIdenticalModel) {
  Data d = MakeData(500, 1);
  for (int nthread : {1, 2}) {
    XgbParams p = SmallParams();
    p.nthread = nthread;
    p.num_rounds = nthread == 1 ? 20 : 5;
    auto a = TrainXgboost(d.rows.data(), d.n, 2, d.labels, {"x0", "x1"}, p);
    auto b = TrainXgboost(d.rows.data(), d.n, 2, d.labels, {"x0", "x1"}, p);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(a->json, b->json) << "nthread " << nthread;
    EXPECT_EQ(a->digest, b->digest);
    EXPECT_EQ(a->digest.size(), 64u);
    EXPECT_NE(a->json.find("\"x0\""), std::string::npos);  // feature names ride along
  }
}

TEST(XgboostTrainer, DifferentSeedWithSubsamplingGivesAnotherModel) {
  Data d = MakeData(500, 1);
  XgbParams p = SmallParams();
  p.subsample = 0.5;
  auto a = TrainXgboost(d.rows.data(), d.n, 2, d.labels, {"x0", "x1"}, p);
  p.seed = 8;
  auto b = TrainXgboost(d.rows.data(), d.n, 2, d.labels, {"x0", "x1"}, p);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->digest, b->digest);
}

TEST(XgboostTrainer, PredictsWhatItLearned) {
  Data train = MakeData(1000, 2);
  auto model =
      TrainXgboost(train.rows.data(), train.n, 2, train.labels, {"x0", "x1"}, SmallParams());
  ASSERT_TRUE(model.ok());
  const double rows[] = {0.2, 0.0, 1.8, std::numeric_limits<double>::quiet_NaN()};
  auto scores = PredictXgboost(model->json, rows, 2, 2);
  ASSERT_TRUE(scores.ok()) << scores.status().ToString();
  ASSERT_EQ(scores->size(), 2u);
  EXPECT_LT((*scores)[0], 0.3);
  EXPECT_GT((*scores)[1], 0.7);
  auto none = PredictXgboost(model->json, rows, 0, 2);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(XgboostTrainer, AutoScalePosWeightUsesClassBalance) {
  Data d = MakeData(400, 3);
  size_t pos = 0;
  for (float l : d.labels) pos += l > 0.5f;
  XgbParams p = SmallParams();
  p.auto_scale_pos_weight = true;
  auto model = TrainXgboost(d.rows.data(), d.n, 2, d.labels, {"x0", "x1"}, p);
  ASSERT_TRUE(model.ok());
  EXPECT_DOUBLE_EQ(model->scale_pos_weight, static_cast<double>(d.n - pos) / pos);
}

TEST(XgboostTrainer, RejectsNanLabelNamingTheRow) {
  Data d = MakeData(50, 4);
  d.labels[7] = std::numeric_limits<float>::quiet_NaN();
  auto model = TrainXgboost(d.rows.data(), d.n, 2, d.labels, {"x0", "x1"}, SmallParams());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("training row 7"), std::string::npos);
}

TEST(XgboostTrainer, TurnsLibraryErrorsIntoStatus) {
  Data d = MakeData(50, 5);
  XgbParams p = SmallParams();
  p.objective = "binary:no_such_objective";
  auto model = TrainXgboost(d.rows.data(), d.n, 2, d.labels, {"x0", "x1"}, p);
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("xgboost"), std::string::npos);

  auto bad = PredictXgboost("{\"not\": \"a model\"}", d.rows.data(), d.n, 2);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("loading the model JSON"), std::string::npos);
}

TEST(XgboostTrainer, RejectsWrongColumnCount) {
  Data d = MakeData(100, 6);
  auto model = TrainXgboost(d.rows.data(), d.n, 2, d.labels, {"x0", "x1"}, SmallParams());
  ASSERT_TRUE(model.ok());
  auto scores = PredictXgboost(model->json, d.rows.data(), 50, 4);
  ASSERT_FALSE(scores.ok());
  EXPECT_NE(scores.status().message().find("expects 2 features"), std::string::npos);
  EXPECT_FALSE(TrainXgboost(d.rows.data(), d.n, 2, d.labels, {"x0", "x0"}, SmallParams()).ok());
  XgbParams p = SmallParams();
  p.eta = 0;
  EXPECT_EQ(TrainXgboost(d.rows.data(), d.n, 2, d.labels, {"x0", "x1"}, p).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(XgboostTrainer, ReportsLinkedVersion) { EXPECT_EQ(XgboostVersion().substr(0, 2), "1."); }

}  // namespace
}  // namespace edgeloop::training
