#include "pipeline/skab_eval.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "base/file_system.h"

namespace edgeloop::pipeline {
namespace {

// The overall numbers of the fixed configuration, as docs/evaluation.md reports them (features
// from the feature spec over 1 s windows of the files' real timestamps; the earlier row-based
// features gave 0.803 / 14.55 / 24.12 / 28.21).
constexpr double kExpectedF1 = 0.802;
constexpr double kExpectedFar = 14.61;
constexpr double kExpectedMar = 24.29;
constexpr double kExpectedNabStandard = 28.42;

const std::string kSkabDir = std::string(EDGELOOP_SOURCE_DIR) + "/../shared/data/skab/data";

TEST(SkabEvalConfig, ExampleFileIsTheBuiltInDefault) {
  PosixFileSystem fs;
  auto text = fs.ReadFile(std::string(EDGELOOP_SOURCE_DIR) + "/examples/skab.yaml");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  auto parsed = ParseSkabEvalConfig(*text, "skab.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const SkabEvalConfig d;
  EXPECT_EQ(parsed->model_kind, d.model_kind);
  EXPECT_EQ(parsed->pca.explained_variance, d.pca.explained_variance);
  EXPECT_EQ(parsed->pca.limit_quantile, d.pca.limit_quantile);
  EXPECT_EQ(parsed->pca_threshold.quantile, d.pca_threshold.quantile);
  EXPECT_EQ(parsed->pca_threshold.factor, d.pca_threshold.factor);
  EXPECT_EQ(parsed->isolation_forest.trees, d.isolation_forest.trees);
  EXPECT_EQ(parsed->isolation_forest_threshold.factor, d.isolation_forest_threshold.factor);
  EXPECT_EQ(parsed->features.window_rows, d.features.window_rows);
  EXPECT_EQ(parsed->features.level_signals, d.features.level_signals);
  EXPECT_EQ(parsed->features.rate_signals, d.features.rate_signals);
  EXPECT_EQ(parsed->features.rate_lag_rows, d.features.rate_lag_rows);
  EXPECT_EQ(parsed->alert.k, d.alert.k);
  EXPECT_EQ(parsed->alert.n, d.alert.n);
  EXPECT_EQ(parsed->alert.release_ratio, d.alert.release_ratio);
  EXPECT_EQ(parsed->train_rows, d.train_rows);
}

TEST(SkabEvalConfig, RejectsUnknownKeysNamingTheLine) {
  auto parsed = ParseSkabEvalConfig("model:\n  kind: pca\n  depth: 3\n", "x.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("x.yaml:3"), std::string::npos)
      << parsed.status().message();
  EXPECT_FALSE(ParseSkabEvalConfig("model: {kind: svm}\n", "x.yaml").ok());
}

TEST(SkabAlertPredictions, HysteresisHoldsTheAlertUntilTheScoreFallsBelowRelease) {
  SkabAlertConfig alert;
  alert.release_ratio = 0.5;
  const std::vector<double> scores = {0.1, 1.2, 0.8, 0.6, 0.4, 0.9};
  const std::vector<double> expected = {0, 1, 1, 1, 0, 0};
  EXPECT_EQ(SkabAlertPredictions(scores, 1.0, alert), expected);
  alert = SkabAlertConfig{2, 3, 1.0};
  // 2 of the last 3 rows over: raised at the second over row, held while 2 of 3 stay over.
  const std::vector<double> kofn = SkabAlertPredictions({2, 0, 2, 2, 0, 0}, 1.0, alert);
  EXPECT_EQ(kofn, (std::vector<double>{0, 0, 1, 1, 1, 0}));
}

TEST(SkabFeatureRows, TrailingMeansAndLaggedChangesFromTheFeatureSpec) {
  AssetReadings r;
  r.asset = "t/1";
  r.signals = {"a", "b c"};
  r.time_ms = {1000, 2000, 3000, 4000, 6000};
  r.values = {{1, 2, 3, std::nan(""), 5}, {10, 11, 13, 16, 20}};
  SkabFeatureConfig config;
  config.window_rows = 2;
  config.level_signals = {"a"};
  config.rate_signals = {"b c"};
  config.rate_lag_rows = 1;
  auto spec = SkabFeatureSpec(config);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->window_length_ms, 2000);
  EXPECT_EQ(spec->hop_ms, 1000);
  EXPECT_EQ(spec->signals[1].name, "b_c");
  auto rows = SkabFeatureRows(r, config);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->names, (std::vector<std::string>{"a__mean", "b_c__mean__delta"}));
  // One window per second, the empty second at 5000 included; each row maps to its window.
  EXPECT_EQ(rows->window_end_ms, (std::vector<int64_t>{1000, 2000, 3000, 4000, 5000, 6000}));
  EXPECT_EQ(rows->row_window, (std::vector<size_t>{0, 1, 2, 3, 5}));
  EXPECT_EQ(rows->Row(2)[0], 2.5);  // mean of 2, 3
  EXPECT_EQ(rows->Row(3)[0], 3.0);  // NaN ignored
  EXPECT_TRUE(std::isnan(rows->Row(0)[1]));
  EXPECT_EQ(rows->Row(3)[1], 2.5);  // mean of changes 2 and 3 = change of the means
  EXPECT_EQ(rows->Row(5)[0], 5.0);  // the window holds one row
  config.level_signals = {"missing"};
  EXPECT_FALSE(SkabFeatureRows(r, config).ok());
  config.level_signals = {"b c"};
  EXPECT_FALSE(SkabFeatureSpec(config).ok());  // listed twice
}

TEST(EvaluateSkab, ReproducesTheDocumentedNumbersOnTheRealData) {
  PosixFileSystem fs;
  if (!fs.IsDirectory(kSkabDir)) GTEST_SKIP() << "SKAB data not found at " << kSkabDir;
  auto report = EvaluateSkab(kSkabDir, SkabEvalConfig{}, fs);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const SkabScores& o = report->overall;
  for (const SkabScores& s : report->folders) {
    std::printf("[ skab ] %-8s files %2zu  F1 %.3f  FAR %.2f  MAR %.2f  NAB %.2f / %.2f / %.2f\n",
                s.name.c_str(), s.files, s.outliers.f1, s.outliers.far_pct, s.outliers.mar_pct,
                s.nab.standard, s.nab.low_fp, s.nab.low_fn);
  }
  std::printf("[ skab ] overall  files %2zu  F1 %.3f  FAR %.2f  MAR %.2f  NAB %.2f / %.2f / %.2f\n",
              o.files, o.outliers.f1, o.outliers.far_pct, o.outliers.mar_pct, o.nab.standard,
              o.nab.low_fp, o.nab.low_fn);
  EXPECT_EQ(o.files, 25u);
  EXPECT_EQ(report->folders.size(), 2u);
  // The numbers docs/evaluation.md reports, to two decimals.
  EXPECT_NEAR(o.outliers.f1, kExpectedF1, 0.0005);
  EXPECT_NEAR(o.outliers.far_pct, kExpectedFar, 0.005);
  EXPECT_NEAR(o.outliers.mar_pct, kExpectedMar, 0.005);
  EXPECT_NEAR(o.nab.standard, kExpectedNabStandard, 0.005);
}

}  // namespace
}  // namespace edgeloop::pipeline
