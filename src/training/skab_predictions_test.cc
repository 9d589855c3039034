#include "training/skab_predictions.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

namespace edgeloop::training {
namespace {

TEST(SkabPredictions, SplitsRowsIntoSeriesPerFileAndDetector) {
  const std::string text =
      "file,row_in_file,datetime,anomaly,changepoint,pred_a,pred_b\n"
      "f1,0,2020-03-01 15:51:06,0,0,0,\n"
      "f1,1,2020-03-01 15:51:07,1,1,1.0,1\r\n"
      "f2,0,2020-03-02 10:00:00,0,0,0,0\n";
  Result<std::vector<SkabDetectorPredictions>> parsed = ParseSkabPredictions("p.csv", text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].detector, "pred_a");
  ASSERT_EQ((*parsed)[1].series.size(), 2u);
  const SkabSeries& b1 = (*parsed)[1].series[0];
  EXPECT_TRUE(std::isnan(b1.prediction[0]));
  EXPECT_EQ(b1.prediction[1], 1.0);
  EXPECT_EQ(b1.changepoint, (std::vector<int>{0, 1}));
  EXPECT_EQ(b1.time_ms[1] - b1.time_ms[0], 1000);
  EXPECT_EQ((*parsed)[0].series[1].anomaly, (std::vector<int>{0}));
}

TEST(SkabPredictions, RejectsBadInputWithLine) {
  EXPECT_FALSE(ParseSkabPredictions("p.csv", "datetime,anomaly,pred\n").ok());
  EXPECT_FALSE(ParseSkabPredictions("p.csv", "datetime,anomaly,changepoint\n").ok());
  Result<std::vector<SkabDetectorPredictions>> bad = ParseSkabPredictions(
      "p.csv", "datetime,anomaly,changepoint,pred\n2020-03-01 15:51:06,0,0,2\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("p.csv:2: pred"), std::string::npos)
      << bad.status().message();
  Result<std::vector<SkabDetectorPredictions>> label = ParseSkabPredictions(
      "p.csv", "datetime,anomaly,changepoint,pred\n2020-03-01 15:51:06,,0,1\n");
  EXPECT_FALSE(label.ok());
  EXPECT_FALSE(ParseSkabPredictions("p.csv", "datetime,anomaly,changepoint,pred\nx,0,0,1\n").ok());
}

}  // namespace
}  // namespace edgeloop::training
