#include "training/pca_fit.h"

#include <cmath>

#include <gtest/gtest.h>

#include "base/random.h"
#include "models/pca_scorer.h"

namespace edgeloop::training {
namespace {

// Three columns: b follows a closely, c is independent noise.
std::vector<double> CorrelatedRows(size_t n, uint64_t seed) {
  Random random(seed);
  std::vector<double> rows;
  for (size_t i = 0; i < n; ++i) {
    const double a = random.Normal(10, 2);
    rows.push_back(a);
    rows.push_back(2 * a + random.Normal(0, 0.05));
    rows.push_back(random.Normal(0, 1));
  }
  return rows;
}

TEST(PcaFit, FindsTheCorrelationAndFlagsRowsThatBreakIt) {
  const std::vector<std::string> names = {"a", "b", "c"};
  auto fit = FitPca(names, CorrelatedRows(500, 7), PcaFitOptions{});
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_EQ(fit->model.components.size(), 2u);  // a/b together, then c
  EXPECT_GT(fit->explained, 0.85);
  auto scorer = models::PcaScorer::Create(fit->model);
  ASSERT_TRUE(scorer.ok());
  const double normal[] = {10, 20, 0};
  const double broken[] = {10, 26, 0};  // b no longer twice a: a large residual
  EXPECT_LT((*scorer)->Score(normal), 1.0);
  EXPECT_GT((*scorer)->Score(broken), 10.0);
  double contributions[4];
  ASSERT_TRUE((*scorer)->Contributions(broken, contributions).ok());
  EXPECT_GT(contributions[1], contributions[2]);
}

TEST(PcaFit, SameRowsGiveTheSameModelBytes) {
  const std::vector<std::string> names = {"a", "b", "c"};
  const std::vector<double> rows = CorrelatedRows(300, 11);
  auto one = FitPca(names, rows, PcaFitOptions{});
  auto two = FitPca(names, rows, PcaFitOptions{});
  ASSERT_TRUE(one.ok() && two.ok());
  auto s1 = models::PcaScorer::Create(one->model);
  auto s2 = models::PcaScorer::Create(two->model);
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_EQ((*s1)->ToJson(), (*s2)->ToJson());
}

TEST(PcaFit, TrainingScoresSitAtTheLimitQuantile) {
  const std::vector<std::string> names = {"a", "b", "c"};
  PcaFitOptions options;
  options.components = 1;
  options.limit_quantile = 0.9;
  auto fit = FitPca(names, CorrelatedRows(1000, 3), options);
  ASSERT_TRUE(fit.ok());
  size_t over = 0;
  for (double s : fit->training_scores) over += s > 1.0 ? 1 : 0;
  // Each statistic exceeds its limit on 10 % of rows; their max on between 10 % and 20 %.
  EXPECT_GE(over, 95u);
  EXPECT_LE(over, 205u);
}

TEST(PcaFit, RejectsTooFewRowsAndRaggedTables) {
  EXPECT_FALSE(FitPca({"a", "b"}, {1, 2, 3, 4}, PcaFitOptions{}).ok());
  EXPECT_FALSE(FitPca({"a", "b"}, {1, 2, 3, 4, 5, 6, 7}, PcaFitOptions{}).ok());
  PcaFitOptions bad;
  bad.explained_variance = 1.5;
  EXPECT_FALSE(FitPca({"a"}, {1, 2, 3, 4}, bad).ok());
}

}  // namespace
}  // namespace edgeloop::training
