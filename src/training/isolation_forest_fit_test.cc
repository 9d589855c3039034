#include "training/isolation_forest_fit.h"

#include <gtest/gtest.h>

#include "base/random.h"
#include "models/isolation_forest_scorer.h"

namespace edgeloop::training {
namespace {

std::vector<double> GaussianRows(size_t n, uint64_t seed) {
  Random random(seed);
  std::vector<double> rows;
  for (size_t i = 0; i < n * 2; ++i) rows.push_back(random.Normal(0, 1));
  return rows;
}

TEST(IsolationForestFit, OutliersScoreHigherThanInliers) {
  auto fit = FitIsolationForest({"x", "y"}, GaussianRows(1000, 5), IsolationForestFitOptions{});
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_EQ(fit->model.trees.size(), 100u);
  EXPECT_EQ(fit->model.sample_size, 256);
  auto scorer = models::IsolationForestScorer::Create(fit->model);
  ASSERT_TRUE(scorer.ok());
  const double inlier[] = {0, 0};
  const double outlier[] = {6, -6};
  EXPECT_LT((*scorer)->Score(inlier), 0.5);
  EXPECT_GT((*scorer)->Score(outlier), 0.65);
}

TEST(IsolationForestFit, SameSeedGivesTheSameBytesAndAnotherSeedDoesNot) {
  const std::vector<double> rows = GaussianRows(400, 9);
  IsolationForestFitOptions options;
  options.trees = 20;
  auto a = FitIsolationForest({"x", "y"}, rows, options);
  auto b = FitIsolationForest({"x", "y"}, rows, options);
  options.seed = 8;
  auto c = FitIsolationForest({"x", "y"}, rows, options);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  auto ja = (*models::IsolationForestScorer::Create(a->model))->ToJson();
  auto jb = (*models::IsolationForestScorer::Create(b->model))->ToJson();
  auto jc = (*models::IsolationForestScorer::Create(c->model))->ToJson();
  EXPECT_EQ(ja, jb);
  EXPECT_NE(ja, jc);
}

TEST(IsolationForestFit, RejectsBadOptions) {
  IsolationForestFitOptions options;
  options.sample_size = 1;
  EXPECT_FALSE(FitIsolationForest({"x"}, {1, 2, 3}, options).ok());
  EXPECT_FALSE(FitIsolationForest({"x"}, {1}, IsolationForestFitOptions{}).ok());
}

}  // namespace
}  // namespace edgeloop::training
