#include "models/tree_ensemble.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/testing/hand_built_model.h"
#include "models/testing/xgboost_reference.h"

namespace edgeloop::models {
namespace {

using testing::HandTree;
using testing::ModelJson;

// Tree 0: x0 < 0.5 (missing left) ? 1.0 : (x1 < 2.0 (missing right) ? -0.5 : 0.25).
// Tree 1: a lone leaf 0.125. Node ids deliberately not in breadth-first order.
std::vector<HandTree> TwoTrees() {
  HandTree split{{0, 1, 0, 0, 0},
                 {0.5, 2.0, 1.0, -0.5, 0.25},
                 {2, 3, -1, -1, -1},
                 {1, 4, -1, -1, -1},
                 {1, 0, 0, 0, 0},
                 {10, 6, 4, 2, 4}};
  HandTree leaf{{0}, {0.125}, {-1}, {-1}, {0}, {10}};
  return {split, leaf};
}

std::unique_ptr<TreeEnsembleScorer> Build(const std::string& json) {
  auto scorer = TreeEnsembleScorer::FromXgboostJson(json);
  EXPECT_TRUE(scorer.ok()) << scorer.status().ToString();
  return scorer.ok() ? std::move(scorer).value() : nullptr;
}

TEST(TreeEnsembleScorer, ScoresHandBuiltEnsemble) {
  auto scorer = Build(ModelJson("reg:squarederror", "5E-1", 2, TwoTrees()));
  ASSERT_NE(scorer, nullptr);
  EXPECT_EQ(scorer->kind(), "tree_ensemble");
  EXPECT_EQ(scorer->num_features(), 2u);
  EXPECT_EQ(scorer->num_trees(), 2u);
  EXPECT_EQ(scorer->max_depth(), 2u);
  const double left[] = {0.2, 9.0};
  const double right_left[] = {0.7, 1.0};
  const double right_right[] = {0.7, 3.0};
  EXPECT_DOUBLE_EQ(scorer->Score(left), 0.5 + 1.0 + 0.125);
  EXPECT_DOUBLE_EQ(scorer->Score(right_left), 0.5 - 0.5 + 0.125);
  EXPECT_DOUBLE_EQ(scorer->Score(right_right), 0.5 + 0.25 + 0.125);
}

TEST(TreeEnsembleScorer, MissingValuesFollowDefaultDirection) {
  auto scorer = Build(ModelJson("reg:squarederror", "0", 2, TwoTrees()));
  ASSERT_NE(scorer, nullptr);
  const double missing_first[] = {NAN, 3.0};
  const double missing_second[] = {0.7, NAN};
  EXPECT_DOUBLE_EQ(scorer->Score(missing_first), 1.0 + 0.125);  // default left
  EXPECT_DOUBLE_EQ(scorer->Score(missing_second), 0.25 + 0.125);  // default right
}

TEST(TreeEnsembleScorer, ComparesInFloatLikeXgboost) {
  HandTree stump{{0, 0, 0}, {0.1, -1.0, 1.0}, {1, -1, -1}, {2, -1, -1}, {0, 0, 0}, {}};
  auto scorer = Build(ModelJson("reg:squarederror", "0", 1, {stump}));
  ASSERT_NE(scorer, nullptr);
  // 0.1 < 0.1f as doubles, but float(0.1) == 0.1f, so XGBoost sends it right.
  const double at_threshold[] = {0.1};
  const double below[] = {0.0999};
  EXPECT_DOUBLE_EQ(scorer->Score(at_threshold), 1.0);
  EXPECT_DOUBLE_EQ(scorer->Score(below), -1.0);
}

TEST(TreeEnsembleScorer, LogisticUsesLogitOfBaseScoreAndSigmoid) {
  auto scorer = Build(ModelJson("binary:logistic", "3E-1", 2, TwoTrees()));
  ASSERT_NE(scorer, nullptr);
  const double row[] = {0.2, 0.0};
  const double margin = std::log(0.3 / 0.7) + 1.125;
  EXPECT_NEAR(scorer->Margin(row), margin, 1e-6);
  EXPECT_NEAR(scorer->Score(row), 1.0 / (1.0 + std::exp(-margin)), 1e-7);
}

TEST(TreeEnsembleScorer, NamesFeaturesFromModelOrByIndex) {
  auto named = Build(ModelJson("reg:squarederror", "0", 2, TwoTrees(), "[\"flow\", \"temp\"]"));
  auto unnamed = Build(ModelJson("reg:squarederror", "0", 2, TwoTrees()));
  ASSERT_NE(named, nullptr);
  ASSERT_NE(unnamed, nullptr);
  EXPECT_EQ(named->feature_names(), (std::vector<std::string>{"flow", "temp"}));
  EXPECT_EQ(unnamed->feature_names(), (std::vector<std::string>{"f0", "f1"}));
}

TEST(TreeEnsembleScorer, BatchMatchesSingleRowAcrossBlocks) {
  auto scorer = Build(ModelJson("binary:logistic", "5E-1", 2, TwoTrees()));
  ASSERT_NE(scorer, nullptr);
  const size_t n = 203;  // not a multiple of the block size
  std::vector<double> rows = testing::RandomRows(n, 2, 0.1, 11);
  std::vector<double> batch(n);
  scorer->ScoreBatch(rows.data(), n, batch.data());
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(batch[i], scorer->Score(&rows[i * 2])) << "row " << i;
}

TEST(TreeEnsembleScorer, ContributionsNeedCover) {
  HandTree stump{{0, 0, 0}, {0.1, -1.0, 1.0}, {1, -1, -1}, {2, -1, -1}, {0, 0, 0}, {}};
  auto scorer = Build(ModelJson("reg:squarederror", "0", 1, {stump}));
  ASSERT_NE(scorer, nullptr);
  const double row[] = {0.0};
  double out[2] = {7, 7};
  Status status = scorer->Contributions(row, out);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("sum_hessian"), std::string::npos);
}

// The error for `json` is InvalidArgument and mentions `needle`.
void ExpectError(const std::string& json, const std::string& needle) {
  auto scorer = TreeEnsembleScorer::FromXgboostJson(json);
  ASSERT_FALSE(scorer.ok()) << "accepted a model that should mention " << needle;
  EXPECT_EQ(scorer.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(scorer.status().message().find(needle), std::string::npos)
      << scorer.status().message();
}

TEST(TreeEnsembleScorer, RejectsMalformedJson) {
  ExpectError("{\"learner\": ", "not valid JSON");
  ExpectError("", "not valid JSON");
  ExpectError("[1, 2]", "(document) is not an object");
}

TEST(TreeEnsembleScorer, RejectsMissingFieldsNamingThem) {
  const std::string good = ModelJson("reg:squarederror", "0", 2, TwoTrees());
  auto without = [&](const std::string& field) {
    std::string json = good;
    size_t at = json.find("\"" + field + "\"");
    EXPECT_NE(at, std::string::npos) << field;
    json.replace(at, field.size() + 2, "\"x_" + field + "\"");
    return json;
  };
  ExpectError(without("split_conditions"),
              "learner.gradient_booster.model.trees[0].split_conditions is missing");
  ExpectError(without("default_left"), "trees[0].default_left is missing");
  ExpectError(without("base_weights"), "trees[0].base_weights is missing");
  ExpectError(without("base_score"), "learner.learner_model_param.base_score is missing");
  ExpectError(without("num_feature"), "learner.learner_model_param.num_feature is missing");
  ExpectError(without("objective"), "learner.objective is missing");
  ExpectError(without("trees"), "learner.gradient_booster.model.trees is missing");
  ExpectError(without("learner"), "(document).learner is missing");
}

TEST(TreeEnsembleScorer, RejectsUnsupportedObjective) {
  ExpectError(ModelJson("multi:softprob", "5E-1", 2, TwoTrees()),
              "learner.objective.name is 'multi:softprob'");
  ExpectError(ModelJson("binary:logistic", "1.5", 2, TwoTrees()),
              "base_score is 1.5, expected a probability in (0, 1)");
}

TEST(TreeEnsembleScorer, RejectsMalformedTrees) {
  std::vector<HandTree> trees = TwoTrees();
  trees[0].lefts[0] = 9;
  ExpectError(ModelJson("reg:squarederror", "0", 2, trees), "trees[0] node 0 has a child index");
  trees = TwoTrees();
  trees[0].lefts[0] = 0;  // a cycle back to the root
  ExpectError(ModelJson("reg:squarederror", "0", 2, trees), "reached twice");
  ExpectError(ModelJson("reg:squarederror", "0", 1, TwoTrees()),
              "node 1 splits on feature 1, expected one below num_feature 1");
  trees = TwoTrees();
  trees[1].conditions.push_back(3.0);
  ExpectError(ModelJson("reg:squarederror", "0", 2, trees),
              "trees[1].split_conditions has 2 entries, expected 1");
  ExpectError(ModelJson("reg:squarederror", "0", 2, TwoTrees(), "[\"only_one\"]"),
              "learner.feature_names has 1 names, expected num_feature 2");
}

// Trains XGBoost on 10,000 random rows with ~5 % NaN and compares its scores with ours.
void ExpectParity(const std::string& objective, bool binary) {
  constexpr size_t kRows = 10000;
  constexpr size_t kCols = 10;
  std::vector<double> rows = testing::RandomRows(kRows, kCols, 0.05, 1234);
  testing::XgboostReference reference(rows, testing::Labels(rows, kCols, binary, 99), kCols,
                                      objective, 6, 60);
  auto scorer = Build(reference.Json());
  ASSERT_NE(scorer, nullptr);
  ASSERT_EQ(scorer->num_trees(), 60u);
  EXPECT_EQ(scorer->objective(), objective);
  // Fresh rows as well as the training rows.
  std::vector<double> fresh = testing::RandomRows(kRows, kCols, 0.05, 5678);
  for (const std::vector<double>* set : {&rows, &fresh}) {
    std::vector<float> expected = reference.Predict(set->data(), kRows);
    std::vector<double> batch(kRows);
    scorer->ScoreBatch(set->data(), kRows, batch.data());
    double max_diff = 0;
    for (size_t i = 0; i < kRows; ++i) {
      const double single = scorer->Score(set->data() + i * kCols);
      max_diff = std::max(max_diff, std::fabs(single - expected[i]));
      max_diff = std::max(max_diff, std::fabs(batch[i] - expected[i]));
    }
    EXPECT_LE(max_diff, 1e-6) << objective;
    std::printf("[ parity ] %s: max |ours - xgboost| over %zu rows = %.3g\n", objective.c_str(),
                kRows, max_diff);
  }
}

TEST(TreeEnsembleScorer, MatchesXgboostBinaryLogistic) { ExpectParity("binary:logistic", true); }

TEST(TreeEnsembleScorer, MatchesXgboostSquaredError) { ExpectParity("reg:squarederror", false); }

TEST(TreeEnsembleScorer, MatchesXgboostRegLogistic) { ExpectParity("reg:logistic", true); }

}  // namespace
}  // namespace edgeloop::models
