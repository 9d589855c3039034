#include "training/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace edgeloop::training {
namespace {

TEST(Metrics, AveragePrecisionByHand) {
  // Ranked: 0.9 (pos) P=1 R=.5; 0.8 (neg) P=.5 R=.5; 0.7 (pos) P=2/3 R=1.
  auto ap = AveragePrecision({0.7, 0.9, 0.8}, {1, 1, 0});
  ASSERT_TRUE(ap.ok());
  EXPECT_NEAR(*ap, 0.5 * 1.0 + 0.5 * 2.0 / 3.0, 1e-12);
}

TEST(Metrics, RocAucCountsTiesAsHalf) {
  auto auc = RocAuc({0.9, 0.5, 0.5, 0.1}, {1, 1, 0, 0});
  ASSERT_TRUE(auc.ok());
  EXPECT_DOUBLE_EQ(*auc, 3.5 / 4.0);
  auc = RocAuc({0.5, 0.5}, {1, 0});
  ASSERT_TRUE(auc.ok());
  EXPECT_DOUBLE_EQ(*auc, 0.5);
}

// Values from scikit-learn 1.2 (average_precision_score, roc_auc_score, precision_score,
// recall_score, f1_score at 0.5) on these 20 rows, which have ties across classes.
TEST(Metrics, MatchesScikitLearn) {
  const std::vector<uint8_t> y = {0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0};
  const std::vector<double> s = {0.1, 0.8,  0.3,  0.3, 0.3,  0.9, 0.05, 0.6,  0.6, 0.2,
                                 0.7, 0.45, 0.45, 0.1, 0.95, 0.3, 0.0,  0.15, 0.3, 0.5};
  auto m = EvaluateClassification(s, y, 0.5);
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(m->pr_auc, 0.746031746031746, 1e-12);
  EXPECT_NEAR(m->roc_auc, 0.8241758241758241, 1e-12);
  EXPECT_NEAR(m->confusion.Precision(), 0.5714285714285714, 1e-12);
  EXPECT_NEAR(m->confusion.Recall(), 0.5714285714285714, 1e-12);
  EXPECT_NEAR(m->confusion.F1(), 0.5714285714285714, 1e-12);
  EXPECT_EQ(m->confusion.tp, 4u);
  EXPECT_EQ(m->confusion.fp, 3u);
  EXPECT_EQ(m->confusion.fn, 3u);
  EXPECT_EQ(m->confusion.tn, 10u);
}

TEST(Metrics, UndefinedRankingIsNan) {
  auto ap = AveragePrecision({0.1, 0.2}, {0, 0});
  ASSERT_TRUE(ap.ok());
  EXPECT_TRUE(std::isnan(*ap));
  auto auc = RocAuc({0.1, 0.2}, {1, 1});
  ASSERT_TRUE(auc.ok());
  EXPECT_TRUE(std::isnan(*auc));
  Confusion empty;
  EXPECT_EQ(empty.Precision(), 0.0);
  EXPECT_EQ(empty.F1(), 0.0);
}

TEST(Metrics, RejectsNanScoreNamingTheRow) {
  auto auc = RocAuc({0.1, std::numeric_limits<double>::quiet_NaN()}, {0, 1});
  ASSERT_FALSE(auc.ok());
  EXPECT_NE(auc.status().message().find("row 1"), std::string::npos);
  EXPECT_FALSE(AveragePrecision({0.1}, {0, 1}).ok());
  EXPECT_FALSE(ConfusionAt({0.1}, {2}, 0.5).ok());
}

TEST(Metrics, RegressionByHandAndAgainstNumpy) {
  // d = predicted - true = {2, -5, 3, 0, -5}.
  auto m = EvaluateRegression({12, 15, 33, 40, 0}, {10, 20, 30, 40, 5});
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(m->rmse, std::sqrt((4.0 + 25 + 9 + 0 + 25) / 5), 1e-12);
  EXPECT_NEAR(m->rmse, 3.5496478698597698, 1e-12);
  EXPECT_DOUBLE_EQ(m->mae, 3.0);
  const double nasa = (std::exp(0.2) - 1) + 2 * (std::exp(5.0 / 13) - 1) + (std::exp(0.3) - 1);
  EXPECT_NEAR(m->nasa_score, nasa, 1e-12);
  EXPECT_NEAR(m->nasa_score, 1.5093599534342064, 1e-12);
}

TEST(Metrics, NasaScorePunishesLatePredictionsMore) {
  EXPECT_GT(NasaPenalty(110, 100), NasaPenalty(90, 100));  // predicting too much life is worse
  EXPECT_EQ(NasaPenalty(100, 100), 0.0);
}

TEST(Metrics, RegressionRejectsMismatchAndNan) {
  EXPECT_FALSE(EvaluateRegression({1, 2}, {1}).ok());
  auto bad = EvaluateRegression({1, std::numeric_limits<double>::infinity()}, {1, 2});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("row 1"), std::string::npos);
}

}  // namespace
}  // namespace edgeloop::training
