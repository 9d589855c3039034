#include "models/tree_shap.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/testing/hand_built_model.h"
#include "models/testing/xgboost_reference.h"
#include "models/tree_ensemble.h"

namespace edgeloop::models {
namespace {

using testing::HandTree;

// Three features; feature 0 is split twice on one path.
std::vector<HandTree> ShapTrees() {
  HandTree deep{{0, 1, 0, 2, 0, 0, 1, 0, 0, 0, 0},
                {0.0, 1.0, 1.0, 0.0, 0.3, -0.2, 0.0, 1.0, -1.0, 0.5, 2.0},
                {1, 3, 5, 7, -1, -1, 9, -1, -1, -1, -1},
                {2, 4, 6, 8, -1, -1, 10, -1, -1, -1, -1},
                {1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0},
                {27, 12, 15, 8, 4, 6, 9, 3, 5, 2, 7}};
  HandTree stump{{2, 0, 0}, {0.5, -0.4, 0.6}, {1, -1, -1}, {2, -1, -1}, {0, 0, 0}, {10, 3, 7}};
  return {deep, stump};
}

// E[f(x) | x_S] under the path-dependent (cover-weighted) distribution, for one tree.
double Conditional(const HandTree& tree, int node, const double* row, unsigned subset) {
  if (tree.lefts[node] == -1) return static_cast<float>(tree.conditions[node]);
  const int feature = tree.split_indices[node];
  const int l = tree.lefts[node];
  const int r = tree.rights[node];
  if ((subset >> feature) & 1u) {
    const double x = row[feature];
    const bool left = std::isnan(x) ? tree.default_left[node] != 0
                                    : static_cast<float>(x) < static_cast<float>(tree.conditions[node]);
    return Conditional(tree, left ? l : r, row, subset);
  }
  return (tree.cover[l] * Conditional(tree, l, row, subset) +
          tree.cover[r] * Conditional(tree, r, row, subset)) /
         tree.cover[node];
}

// Shapley values by enumerating every subset of features; the bias is E[f] plus base margin.
std::vector<double> BruteForceShap(const std::vector<HandTree>& trees, int n, const double* row,
                                   double base_margin) {
  auto value = [&](unsigned subset) {
    double total = base_margin;
    for (const HandTree& tree : trees) total += Conditional(tree, 0, row, subset);
    return total;
  };
  std::vector<double> phi(n + 1, 0.0);
  for (int i = 0; i < n; ++i) {
    for (unsigned s = 0; s < (1u << n); ++s) {
      if ((s >> i) & 1u) continue;
      const int size = __builtin_popcount(s);
      const double weight =
          std::tgamma(size + 1) * std::tgamma(n - size) / std::tgamma(n + 1);
      phi[i] += weight * (value(s | (1u << i)) - value(s));
    }
  }
  phi[n] = value(0);
  return phi;
}

TEST(TreeShap, MatchesBruteForceShapleyValues) {
  auto scorer = TreeEnsembleScorer::FromXgboostJson(
      testing::ModelJson("reg:squarederror", "2.5E-1", 3, ShapTrees()));
  ASSERT_TRUE(scorer.ok()) << scorer.status().ToString();
  const std::vector<std::vector<double>> rows = {
      {-1.0, 0.5, -1.0}, {-1.0, 2.0, 1.0}, {0.5, 0.5, 0.2}, {2.0, -1.0, 0.7},
      {NAN, 0.5, -1.0},  {2.0, NAN, NAN},  {NAN, NAN, NAN}, {0.0, 1.0, 0.5}};
  for (const std::vector<double>& row : rows) {
    std::vector<double> expected = BruteForceShap(ShapTrees(), 3, row.data(), 0.25);
    std::vector<double> ours(4);
    ASSERT_TRUE((*scorer)->Contributions(row.data(), ours.data()).ok());
    double sum = 0;
    for (int i = 0; i < 4; ++i) {
      // The bias holds each tree's expected value, computed in float as XGBoost does.
      EXPECT_NEAR(ours[i], expected[i], i < 3 ? 1e-9 : 1e-6) << "feature " << i << " of row " << row[0] << ","
                                              << row[1] << "," << row[2];
      sum += ours[i];
    }
    EXPECT_NEAR(sum, (*scorer)->Margin(row.data()), 1e-6);
  }
}

// Trains XGBoost on 10,000 rows with ~5 % NaN and compares pred_contribs with ours.
void ExpectContributionParity(const std::string& objective, bool binary) {
  constexpr size_t kRows = 10000;
  constexpr size_t kCols = 8;
  std::vector<double> rows = testing::RandomRows(kRows, kCols, 0.05, 4321);
  testing::XgboostReference reference(rows, testing::Labels(rows, kCols, binary, 77), kCols,
                                      objective, 6, 50);
  auto scorer = TreeEnsembleScorer::FromXgboostJson(reference.Json());
  ASSERT_TRUE(scorer.ok()) << scorer.status().ToString();
  std::vector<float> expected = reference.Contributions(rows.data(), kRows);
  std::vector<double> ours(kCols + 1);
  double max_diff = 0;
  double max_sum_error = 0;
  for (size_t r = 0; r < kRows; ++r) {
    ASSERT_TRUE((*scorer)->Contributions(&rows[r * kCols], ours.data()).ok());
    double sum = 0;
    for (size_t c = 0; c <= kCols; ++c) {
      max_diff = std::max(max_diff, std::fabs(ours[c] - expected[r * (kCols + 1) + c]));
      sum += ours[c];
    }
    max_sum_error = std::max(max_sum_error, std::fabs(sum - (*scorer)->Margin(&rows[r * kCols])));
  }
  EXPECT_LE(max_diff, 1e-5) << objective;
  EXPECT_LE(max_sum_error, 1e-5) << objective;
  std::printf("[ parity ] %s contributions: max |ours - xgboost| = %.3g, max |sum - margin| = "
              "%.3g\n", objective.c_str(), max_diff, max_sum_error);
}

TEST(TreeShap, MatchesXgboostPredContribsBinaryLogistic) {
  ExpectContributionParity("binary:logistic", true);
}

TEST(TreeShap, MatchesXgboostPredContribsSquaredError) {
  ExpectContributionParity("reg:squarederror", false);
}

}  // namespace
}  // namespace edgeloop::models
