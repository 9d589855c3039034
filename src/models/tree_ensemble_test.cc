#include "models/tree_ensemble.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "base/random.h"
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

// A value with at most three decimals, so the JSON text (six decimals) holds it exactly.
double Rounded(double value) { return std::round(value * 1000.0) / 1000.0; }

// Appends a random subtree below depth `depth` to `tree` and returns its root's id. Nodes above
// depth 2 always split; below, a node is a leaf with probability 1/4 or at max_depth.
int AddRandomNode(HandTree& tree, Random& random, int num_features, int depth, int max_depth) {
  const int id = static_cast<int>(tree.split_indices.size());
  tree.split_indices.push_back(0);
  tree.conditions.push_back(0);
  tree.lefts.push_back(-1);
  tree.rights.push_back(-1);
  tree.default_left.push_back(0);
  if (depth == max_depth || (depth >= 2 && random.Bernoulli(0.25))) {
    tree.conditions[id] = Rounded(random.Uniform(-1.0, 1.0));
    return id;
  }
  tree.split_indices[id] = static_cast<int>(random.UniformInt(0, num_features - 1));
  tree.conditions[id] = Rounded(random.Uniform(-2.0, 2.0));
  tree.default_left[id] = random.Bernoulli(0.5) ? 1 : 0;
  const int left = AddRandomNode(tree, random, num_features, depth + 1, max_depth);
  const int right = AddRandomNode(tree, random, num_features, depth + 1, max_depth);
  tree.lefts[id] = left;
  tree.rights[id] = right;
  return id;
}

std::vector<HandTree> RandomTrees(int n_trees, int num_features, int max_depth, uint64_t seed) {
  Random random(seed);
  std::vector<HandTree> trees(n_trees);
  for (HandTree& tree : trees) AddRandomNode(tree, random, num_features, 0, max_depth);
  return trees;
}

// The margin by the definition, node by node: float(x) < threshold goes left, NaN follows
// default_left, leaves summed in float from the base margin in tree order.
double ReferenceMargin(const std::vector<HandTree>& trees, float base_margin, const double* row) {
  float margin = base_margin;
  for (const HandTree& tree : trees) {
    int node = 0;
    while (tree.lefts[node] >= 0) {
      const double x = row[tree.split_indices[node]];
      const bool left = std::isnan(x) ? tree.default_left[node] != 0
                                      : static_cast<float>(x) <
                                            static_cast<float>(tree.conditions[node]);
      node = left ? tree.lefts[node] : tree.rights[node];
    }
    margin += static_cast<float>(tree.conditions[node]);
  }
  return margin;
}

// Scores `rows` one by one and in one batch and checks both against ReferenceMargin.
void ExpectMatchesReference(const std::vector<HandTree>& trees, int num_features,
                            const std::vector<double>& rows) {
  auto scorer = Build(ModelJson("reg:squarederror", "0", num_features, trees));
  ASSERT_NE(scorer, nullptr);
  const size_t n = rows.size() / num_features;
  std::vector<double> batch(n);
  scorer->ScoreBatch(rows.data(), n, batch.data());
  for (size_t i = 0; i < n; ++i) {
    const double* row = &rows[i * num_features];
    const double expected = ReferenceMargin(trees, 0.0f, row);
    ASSERT_EQ(scorer->Score(row), expected) << "row " << i;
    ASSERT_EQ(batch[i], expected) << "row " << i;
  }
}

TEST(TreeEnsembleScorer, PadsShallowTreesIntoPerfectLayout) {
  auto scorer = Build(ModelJson("reg:squarederror", "0", 2, TwoTrees()));
  ASSERT_NE(scorer, nullptr);
  EXPECT_TRUE(scorer->uses_perfect_layout());
  // Trees of uneven shape, leaves from depth 2 to 8 (the deepest the perfect layout takes).
  const std::vector<HandTree> trees = RandomTrees(37, 12, 8, 21);
  auto random_scorer = Build(ModelJson("reg:squarederror", "0", 12, trees));
  ASSERT_NE(random_scorer, nullptr);
  EXPECT_TRUE(random_scorer->uses_perfect_layout());
  EXPECT_EQ(random_scorer->max_depth(), 8u);
  ExpectMatchesReference(trees, 12, testing::RandomRows(517, 12, 0.15, 22));
}

TEST(TreeEnsembleScorer, DeepForestWalksGeneralLayout) {
  const std::vector<HandTree> trees = RandomTrees(23, 9, 11, 31);
  auto scorer = Build(ModelJson("reg:squarederror", "0", 9, trees));
  ASSERT_NE(scorer, nullptr);
  ASSERT_GT(scorer->max_depth(), 8u);
  EXPECT_FALSE(scorer->uses_perfect_layout());
  ExpectMatchesReference(trees, 9, testing::RandomRows(301, 9, 0.15, 32));
}

TEST(TreeEnsembleScorer, WideRowsScoreInSmallerBlocks) {
  // 2 x 700 floats per split row: ScoreBatch fits only a few rows in its stack block.
  const std::vector<HandTree> trees = RandomTrees(19, 700, 6, 41);
  auto scorer = Build(ModelJson("reg:squarederror", "0", 700, trees));
  ASSERT_NE(scorer, nullptr);
  EXPECT_TRUE(scorer->uses_perfect_layout());
  ExpectMatchesReference(trees, 700, testing::RandomRows(45, 700, 0.1, 42));
}

TEST(TreeEnsembleScorer, MissingValueLeftOfMinusInfinityThreshold) {
  // -1e39 becomes -inf as a float: every present value goes right, NaN goes left by default.
  HandTree stump{{0, 0, 0}, {-1e39, -1.0, 1.0}, {1, -1, -1}, {2, -1, -1}, {1, 0, 0}, {}};
  auto scorer = Build(ModelJson("reg:squarederror", "0", 1, {stump}));
  ASSERT_NE(scorer, nullptr);
  EXPECT_FALSE(scorer->uses_perfect_layout());
  const double rows[] = {NAN, -std::numeric_limits<double>::infinity(), 0.0};
  double batch[3];
  scorer->ScoreBatch(rows, 3, batch);
  EXPECT_EQ(scorer->Score(&rows[0]), -1.0);
  EXPECT_EQ(scorer->Score(&rows[1]), 1.0);
  EXPECT_EQ(scorer->Score(&rows[2]), 1.0);
  EXPECT_EQ(batch[0], -1.0);
  EXPECT_EQ(batch[1], 1.0);
  EXPECT_EQ(batch[2], 1.0);
}

TEST(TreeEnsembleScorer, InfiniteValuesCompareLikeXgboost) {
  // Present infinities are values, not missing: they go by the comparison in both halves of the
  // split row, whichever way the split sends NaN.
  HandTree left_default{{0, 0, 0}, {0.5, -1.0, 1.0}, {1, -1, -1}, {2, -1, -1}, {1, 0, 0}, {}};
  HandTree right_default{{0, 0, 0}, {0.5, -2.0, 2.0}, {1, -1, -1}, {2, -1, -1}, {0, 0, 0}, {}};
  auto scorer = Build(ModelJson("reg:squarederror", "0", 1, {left_default, right_default}));
  ASSERT_NE(scorer, nullptr);
  ASSERT_TRUE(scorer->uses_perfect_layout());
  const double inf = std::numeric_limits<double>::infinity();
  const double plus[] = {inf};
  const double minus[] = {-inf};
  const double huge[] = {1e300};  // beyond float range: float(x) is +inf
  const double missing[] = {NAN};
  EXPECT_EQ(scorer->Score(plus), 3.0);
  EXPECT_EQ(scorer->Score(minus), -3.0);
  EXPECT_EQ(scorer->Score(huge), 3.0);
  EXPECT_EQ(scorer->Score(missing), -1.0 + 2.0);
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
