#include "training/scoring_benchmark.h"

#include <gtest/gtest.h>

#include <string>

namespace edgeloop::training {
namespace {

ScoringBenchmarkOptions Tiny() {
  ScoringBenchmarkOptions options;
  options.trees = 7;
  options.depth = 3;
  options.features = 5;
  options.rows = 400;
  options.batch_passes = 2;
  return options;
}

void ExpectPositive(const LatencyStats& stats, const char* who) {
  EXPECT_GT(stats.p50_us, 0) << who;
  EXPECT_GE(stats.p99_us, stats.p50_us) << who;
  EXPECT_GT(stats.mean_us, 0) << who;
}

TEST(ScoringBenchmark, MeasuresTinyModelWithParity) {
  Random random(17);
  Result<ScoringBenchmarkReport> report = RunScoringBenchmark(Tiny(), random);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const ScoringBenchmarkReport& r = *report;
  EXPECT_EQ(r.seed, 17u);
  EXPECT_EQ(r.model_trees, 7u);
  EXPECT_EQ(r.model_max_depth, 3u);
  EXPECT_GT(r.model_nodes, 7u);
  EXPECT_EQ(r.layout, "perfect");
  EXPECT_FALSE(r.xgboost_version.empty());
  ExpectPositive(r.ours_single, "ours");
  ExpectPositive(r.xgboost_single, "xgboost");
  EXPECT_GT(r.ours_batch_us_per_row, 0);
  EXPECT_GT(r.xgboost_batch_us_per_row, 0);
  EXPECT_GT(r.single_p50_speedup, 0);
  EXPECT_GT(r.single_p99_speedup, 0);
  EXPECT_GT(r.batch_speedup, 0);
  EXPECT_LE(r.max_abs_diff, kScoringParityTolerance);
  EXPECT_TRUE(r.parity_ok);
}

TEST(ScoringBenchmark, DeepModelKeepsParityOnGeneralLayout) {
  ScoringBenchmarkOptions options = Tiny();
  options.trees = 3;
  options.depth = 10;
  options.rows = 3000;
  Random random(5);
  Result<ScoringBenchmarkReport> report = RunScoringBenchmark(options, random);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_GT(report->model_max_depth, 8u) << "the synthetic model did not grow past 8 levels";
  EXPECT_EQ(report->layout, "general");
  EXPECT_TRUE(report->parity_ok) << report->max_abs_diff;
}

TEST(ScoringBenchmark, RejectsOptionsOutOfRangeNamingThem) {
  auto expect_bad = [](ScoringBenchmarkOptions options, const std::string& needle) {
    Random random(1);
    Result<ScoringBenchmarkReport> report = RunScoringBenchmark(options, random);
    ASSERT_FALSE(report.ok()) << needle;
    EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(report.status().message().find(needle), std::string::npos)
        << report.status().message();
  };
  ScoringBenchmarkOptions options = Tiny();
  options.trees = 0;
  expect_bad(options, "trees 0: expected 1..100000");
  options = Tiny();
  options.depth = 17;
  expect_bad(options, "depth 17");
  options = Tiny();
  options.features = 0;
  expect_bad(options, "features 0");
  options = Tiny();
  options.rows = 0;
  expect_bad(options, "rows 0");
  options = Tiny();
  options.missing_share = 1.0;
  expect_bad(options, "missing_share");
}

}  // namespace
}  // namespace edgeloop::training
