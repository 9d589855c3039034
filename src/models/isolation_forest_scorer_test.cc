#include "models/isolation_forest_scorer.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "models/scorer_loader.h"

namespace edgeloop::models {
namespace {

// One feature, one tree: root splits at z < 0; left is a leaf of 3 points, right splits again at
// z < 2 into a leaf of 1 point (left) and a leaf of 0 points (right).
IsolationForestModel TinyForest() {
  IsolationForestModel m;
  m.feature_names = {"x"};
  m.means = {5};
  m.scales = {1};
  m.sample_size = 4;
  IsolationTree t;
  t.feature = {0, -1, 0, -1, -1};
  t.threshold = {0, 0, 2, 0, 0};
  t.left = {1, -1, 3, -1, -1};
  t.right = {2, -1, 4, -1, -1};
  t.size = {0, 3, 0, 1, 0};
  m.trees = {t};
  return m;
}

TEST(IsolationForestScorer, AveragePathLengthMatchesTheStandardFormula) {
  EXPECT_EQ(AveragePathLength(1), 0.0);
  EXPECT_EQ(AveragePathLength(2), 1.0);
  // c(256) = 2 (ln 255 + gamma) - 2 * 255 / 256 = 10.2448...
  EXPECT_NEAR(AveragePathLength(256), 10.244770920116851, 1e-9);
}

TEST(IsolationForestScorer, ScoresFollowThePathLengths) {
  auto scorer = IsolationForestScorer::Create(TinyForest());
  ASSERT_TRUE(scorer.ok()) << scorer.status().ToString();
  const double c4 = AveragePathLength(4);
  const double inside[] = {4};   // z = -1: leaf of 3 at depth 1
  const double outside[] = {9};  // z = 4: empty leaf at depth 2
  EXPECT_NEAR((*scorer)->MeanPathLength(inside), 1 + AveragePathLength(3), 1e-12);
  EXPECT_NEAR((*scorer)->Score(outside), std::pow(2.0, -2.0 / c4), 1e-12);
  EXPECT_GT((*scorer)->Score(outside), (*scorer)->Score(inside));
}

TEST(IsolationForestScorer, MissingValueIsImputedAndContributionsAreUnavailable) {
  auto scorer = IsolationForestScorer::Create(TinyForest());
  ASSERT_TRUE(scorer.ok());
  const double nan[] = {std::numeric_limits<double>::quiet_NaN()};
  const double mean[] = {5};
  EXPECT_EQ((*scorer)->Score(nan), (*scorer)->Score(mean));
  double out[2] = {7, 7};
  const Status s = (*scorer)->Contributions(mean, out);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(out[0], 7);
}

TEST(IsolationForestScorer, JsonRoundTripIsCanonical) {
  auto scorer = IsolationForestScorer::Create(TinyForest());
  ASSERT_TRUE(scorer.ok());
  const std::string json = (*scorer)->ToJson();
  auto back = LoadScorer("isolation_forest", json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)->kind(), "isolation_forest");
  auto again = IsolationForestScorer::FromJson(json);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->ToJson(), json);
}

TEST(IsolationForestScorer, RejectsATreeWhoseChildPointsBackwards) {
  IsolationForestModel m = TinyForest();
  m.trees[0].left[2] = 1;  // a loop would be possible if this were allowed
  auto r = IsolationForestScorer::Create(m);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("trees[0] node 2"), std::string::npos);
}

}  // namespace
}  // namespace edgeloop::models
