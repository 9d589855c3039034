#include "training/skab_metrics.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/strings.h"
#include "base/time_format.h"

namespace edgeloop::training {
namespace {

const std::string kReferenceDir =
    std::string(EDGELOOP_SOURCE_DIR) + "/../shared/data/skab/reference/";

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields;
    for (std::string_view f : Split(line, ',')) fields.emplace_back(f);
    rows.push_back(std::move(fields));
  }
  return rows;
}

SkabSeries Series(std::vector<int> anomaly, std::vector<int> changepoint,
                  std::vector<double> prediction) {
  SkabSeries s;
  for (size_t i = 0; i < prediction.size(); ++i) s.time_ms.push_back(static_cast<int64_t>(i) * 1000);
  s.anomaly = std::move(anomaly);
  s.changepoint = std::move(changepoint);
  s.prediction = std::move(prediction);
  return s;
}

TEST(SkabMetrics, PredictedChangepointsAreAbsoluteDiffWithFirstValue) {
  EXPECT_EQ(PredictedChangepoints({1, 1, 0, 0, 1}), (std::vector<int>{1, 0, 1, 0, 1}));
  EXPECT_EQ(PredictedChangepoints({0, 0}), (std::vector<int>{0, 0}));
  EXPECT_TRUE(PredictedChangepoints({}).empty());
}

TEST(SkabMetrics, OutlierMetricsPoolRowsAndSkipMissingPredictions) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<SkabSeries> series = {Series({0, 1, 1, 0}, {0, 1, 0, 0}, {1, 1, 0, 0}),
                                    Series({1, 0}, {1, 0}, {nan, 0})};
  const SkabOutlierMetrics m = ScoreSkabOutliers(series);
  EXPECT_EQ(m.tp, 1);
  EXPECT_EQ(m.fp, 1);
  EXPECT_EQ(m.fn, 1);
  EXPECT_EQ(m.tn, 2);
  EXPECT_DOUBLE_EQ(m.f1, 0.5);
  EXPECT_NEAR(m.far_pct, 100.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(m.mar_pct, 50.0);
}

TEST(SkabMetrics, NabIsHundredForImmediateDetectionAndZeroForNone) {
  std::vector<int> cp(200, 0), anomaly(200, 0);
  cp[50] = 1;
  for (int i = 50; i < 200; ++i) anomaly[i] = 1;
  std::vector<double> perfect(200, 0), none(200, 0);
  for (int i = 50; i < 200; ++i) perfect[i] = 1;
  const SkabNabScores best = ScoreSkabNab({Series(anomaly, cp, perfect)});
  EXPECT_NEAR(best.standard, 100.0, 1e-9);
  EXPECT_NEAR(best.low_fn, 100.0, 1e-9);
  EXPECT_EQ(best.missed_cps, 0);
  EXPECT_EQ(best.true_cps, 1);
  const SkabNabScores null = ScoreSkabNab({Series(anomaly, cp, none)});
  EXPECT_NEAR(null.standard, 0.0, 1e-9);
  EXPECT_EQ(null.missed_cps, 1);
}

TEST(SkabMetrics, NabPenalisesFalsePositivesAndLateDetection) {
  std::vector<int> cp(200, 0), anomaly(200, 0);
  cp[50] = 1;
  std::vector<double> late(200, 0);
  late[5] = 1;                                   // a false changepoint pair before the window
  for (int i = 80; i < 200; ++i) late[i] = 1;   // detected 30 s into the 60 s window
  const SkabNabScores s = ScoreSkabNab({Series(anomaly, cp, late)});
  EXPECT_EQ(s.fp_cps, 2);
  EXPECT_EQ(s.missed_cps, 0);
  // Half-way through the window the sigmoid is near (A_tp + A_fp) / 2.
  const double standard = 100 * ((1 - 0.11) / 2 - 2 * 0.11 + 1) / 2;
  EXPECT_NEAR(s.standard, standard, 0.2);
  EXPECT_LT(s.low_fp, s.standard);
}

TEST(SkabMetrics, ReproducesSkabReferenceTable) {
  const auto predictions = ReadCsv(kReferenceDir + "DEV_subset_reference_predictions.csv");
  const auto expected = ReadCsv(kReferenceDir + "expected_metrics_DEV.csv");
  if (predictions.size() < 2 || expected.size() < 2) {
    GTEST_SKIP() << "SKAB reference files not found under " << kReferenceDir;
  }
  const auto& header = predictions[0];
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
  for (size_t e = 1; e < expected.size(); ++e) {
    const auto& want = expected[e];
    ASSERT_EQ(want.size(), 11u);
    ASSERT_TRUE(column.count(want[1])) << want[1];
    const size_t pred_col = column[want[1]];
    std::vector<SkabSeries> series;
    std::string current_file;
    for (size_t r = 1; r < predictions.size(); ++r) {
      const auto& row = predictions[r];
      ASSERT_GE(row.size(), header.size() - 1) << "row " << r;
      if (series.empty() || row[column["file"]] != current_file) {
        current_file = row[column["file"]];
        series.emplace_back();
      }
      SkabSeries& s = series.back();
      auto t = ParseTimestamp(row[column["datetime"]]);
      ASSERT_TRUE(t.ok()) << row[column["datetime"]];
      s.time_ms.push_back(*t);
      s.anomaly.push_back(row[column["anomaly"]] == "1" ? 1 : 0);
      s.changepoint.push_back(row[column["changepoint"]] == "1" ? 1 : 0);
      const std::string p = pred_col < row.size() ? row[pred_col] : std::string();
      s.prediction.push_back(p.empty() ? std::numeric_limits<double>::quiet_NaN() : std::stod(p));
    }
    const SkabOutlierMetrics outliers = ScoreSkabOutliers(series);
    const SkabNabScores nab = ScoreSkabNab(series);
    auto num = [&](int i) { return std::stod(want[i]); };
    constexpr double kTol = 0.005 + 1e-9;
    EXPECT_NEAR(outliers.f1, num(2), kTol) << want[1];
    EXPECT_NEAR(outliers.far_pct, num(3), kTol) << want[1];
    EXPECT_NEAR(outliers.mar_pct, num(4), kTol) << want[1];
    EXPECT_NEAR(nab.standard, num(5), kTol) << want[1];
    EXPECT_NEAR(nab.low_fp, num(6), kTol) << want[1];
    EXPECT_NEAR(nab.low_fn, num(7), kTol) << want[1];
    EXPECT_EQ(nab.missed_cps, static_cast<int>(num(8))) << want[1];
    EXPECT_EQ(nab.fp_cps, static_cast<int>(num(9))) << want[1];
    EXPECT_EQ(nab.true_cps, static_cast<int>(num(10))) << want[1];
  }
}

}  // namespace
}  // namespace edgeloop::training
