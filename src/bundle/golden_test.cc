#include "bundle/golden.h"

#include <gtest/gtest.h>

#include <cmath>

#include "bundle/testing/test_bundle.h"
#include "models/tree_ensemble.h"

namespace edgeloop::bundle {
namespace {

std::unique_ptr<models::TreeEnsembleScorer> Model(double right_leaf = 1.1) {
  auto scorer =
      models::TreeEnsembleScorer::FromXgboostJson(testing::TwoFeatureModelJson(right_leaf));
  EXPECT_TRUE(scorer.ok()) << scorer.status().ToString();
  return std::move(scorer).value();
}

TEST(GoldenSet, CsvRoundTripsExactlyIncludingMissingValues) {
  auto scorer = Model();
  Result<GoldenSet> golden =
      GoldenSet::Compute(*scorer, {"a", "b"}, testing::TestInputs().golden_rows);
  ASSERT_TRUE(golden.ok()) << golden.status().ToString();
  std::string csv = golden->ToCsv();
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "a,b,score");
  Result<GoldenSet> parsed = GoldenSet::Parse(csv);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->scores, golden->scores);  // bit-exact
  EXPECT_TRUE(std::isnan(parsed->rows[3][0]));
  EXPECT_EQ(parsed->rows[5][0], 49.999);
  EXPECT_TRUE(parsed->Check(*scorer).ok());
}

TEST(GoldenSet, CheckFailsNamingTheRowWhenTheModelDiffers) {
  auto scorer = Model();
  GoldenSet golden =
      std::move(GoldenSet::Compute(*scorer, {"a", "b"}, {{10, 10}, {60, 95}})).value();
  Status s = golden.Check(*Model(1.2));
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("row 2"), std::string::npos) << s.message();
}

TEST(GoldenSet, ParseAndComputeRejectBadShapes) {
  auto scorer = Model();
  EXPECT_FALSE(GoldenSet::Compute(*scorer, {"a"}, {{1, 2}}).ok());
  EXPECT_FALSE(GoldenSet::Compute(*scorer, {"a", "b"}, {{1}}).ok());
  EXPECT_EQ(GoldenSet::Parse("a,b,score\n1,2\n").status().message(),
            "golden.csv:2: expected 3 values, got 2");
  EXPECT_EQ(GoldenSet::Parse("a,b\n").status().message(),
            "golden.csv:1: expected feature names followed by 'score'");
  EXPECT_EQ(GoldenSet::Parse("a,b,score\n1,x,0.5\n").status().message(),
            "golden.csv:2: b: expected a number, got 'x'");
}

}  // namespace
}  // namespace edgeloop::bundle
