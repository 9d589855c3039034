#include "models/pca_scorer.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "models/scorer_loader.h"

namespace edgeloop::models {
namespace {

// Two features, one component along (1, 1)/sqrt(2) with variance 2; limits 4 (T²) and 0.5 (Q).
PcaModel TinyModel() {
  PcaModel m;
  m.feature_names = {"a", "b"};
  m.means = {10, 20};
  m.scales = {2, 4};
  const double h = 1.0 / std::sqrt(2.0);
  m.components = {{h, h}};
  m.variances = {2};
  m.t2_limit = 4;
  m.q_limit = 0.5;
  return m;
}

TEST(PcaScorer, ComputesT2AndQByHand) {
  auto scorer = PcaScorer::Create(TinyModel());
  ASSERT_TRUE(scorer.ok()) << scorer.status().ToString();
  // z = (1, 0): t = 1/sqrt2, T² = 0.5 / 2 = 0.25, Q = 1 - 0.5 = 0.5.
  const double row[] = {12, 20};
  double t2 = 0, q = 0;
  (*scorer)->Statistics(row, &t2, &q);
  EXPECT_NEAR(t2, 0.25, 1e-12);
  EXPECT_NEAR(q, 0.5, 1e-12);
  EXPECT_NEAR((*scorer)->Score(row), std::max(0.25 / 4, 0.5 / 0.5), 1e-12);
}

TEST(PcaScorer, MissingValueIsImputedWithTheTrainingMean) {
  auto scorer = PcaScorer::Create(TinyModel());
  ASSERT_TRUE(scorer.ok());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double missing[] = {nan, 20};
  const double at_mean[] = {10, 20};
  EXPECT_EQ((*scorer)->Score(missing), (*scorer)->Score(at_mean));
  EXPECT_FALSE(std::isnan((*scorer)->Score(missing)));
}

TEST(PcaScorer, ContributionsAreTheResidualSquaresAndSumToQOverLimit) {
  auto scorer = PcaScorer::Create(TinyModel());
  ASSERT_TRUE(scorer.ok());
  const double row[] = {12, 24};  // z = (1, 1): on the component, no residual
  const double off[] = {12, 16};  // z = (1, -1): all residual, Q = 2
  double out[3];
  ASSERT_TRUE((*scorer)->Contributions(row, out).ok());
  EXPECT_NEAR(out[0] + out[1], 0.0, 1e-12);
  ASSERT_TRUE((*scorer)->Contributions(off, out).ok());
  EXPECT_NEAR(out[0], 1.0 / 0.5, 1e-12);
  EXPECT_NEAR(out[1], 1.0 / 0.5, 1e-12);
  EXPECT_EQ(out[2], 0.0);
  double t2 = 0, q = 0;
  (*scorer)->Statistics(off, &t2, &q);
  EXPECT_NEAR(out[0] + out[1] + out[2], q / 0.5, 1e-12);
}

TEST(PcaScorer, JsonRoundTripGivesTheSameBytesAndScores) {
  auto scorer = PcaScorer::Create(TinyModel());
  ASSERT_TRUE(scorer.ok());
  const std::string json = (*scorer)->ToJson();
  auto back = PcaScorer::FromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)->ToJson(), json);
  const double rows[] = {12, 24, 3, -7};
  double a[2], b[2];
  (*scorer)->ScoreBatch(rows, 2, a);
  (*back)->ScoreBatch(rows, 2, b);
  EXPECT_EQ(a[0], b[0]);
  EXPECT_EQ(a[1], b[1]);
}

TEST(PcaScorer, RejectsBadModelsNamingTheField) {
  PcaModel m = TinyModel();
  m.scales[1] = 0;
  auto r = PcaScorer::Create(m);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("scales"), std::string::npos);
  auto j = PcaScorer::FromJson(R"({"format":"edgeloop.pca","version":2})");
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("version 2"), std::string::npos);
  EXPECT_FALSE(PcaScorer::FromJson("not json").ok());
}

TEST(PcaScorer, LoadsThroughTheScorerLoader) {
  auto scorer = PcaScorer::Create(TinyModel());
  ASSERT_TRUE(scorer.ok());
  auto loaded = LoadScorer("pca", (*scorer)->ToJson());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->kind(), "pca");
  EXPECT_EQ((*loaded)->num_features(), 2u);
}

}  // namespace
}  // namespace edgeloop::models
