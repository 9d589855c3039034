#include "edgeloop/cmd_eval.h"

#include <stdlib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "edgeloop/testing/capture.h"
#include <nlohmann/json.hpp>

#include "base/file_system.h"

namespace edgeloop::app {
namespace {

const std::string kReference = std::string(EDGELOOP_SOURCE_DIR) +
                               "/../shared/data/skab/reference/DEV_subset_reference_predictions.csv";

using testing::Capture;

class EvalDir {
 public:
  EvalDir() {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/el_eval_XXXXXX";
    EL_CHECK(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~EvalDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Engines whose s2 rises linearly towards failure; every other column is constant.
std::string LinearEngines(int engines) {
  std::string text;
  for (int u = 1; u <= engines; ++u) {
    const int life = 60 + 10 * u;
    for (int c = 1; c <= life; ++c) {
      text += std::to_string(u) + " " + std::to_string(c) + " 0 0 100 518.67 " +
              std::to_string(600.0 + c * 50.0 / life);
      for (int s = 3; s <= 21; ++s) text += " " + std::to_string(s);
      text += " \n";
    }
  }
  return text;
}

// A SKAB-layout file: 600 rows at 1 Hz of gently varying signals; from row 450 the flow drops
// sharply and the rows are labelled anomalous.
std::string SyntheticSkabFile() {
  std::string text =
      "datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;"
      "Voltage;Volume Flow RateRMS;anomaly;changepoint\n";
  for (int i = 0; i < 600; ++i) {
    const bool anomalous = i >= 450;
    const double wobble = std::sin(i * 0.7) + 0.5 * std::cos(i * 1.3);
    char line[256];
    std::snprintf(line, sizeof(line),
                  "2020-03-09 10:%02d:%02d;%.4f;%.4f;%.4f;%.4f;%.4f;%.4f;%.4f;%.4f;%d;%d\n",
                  i / 60, i % 60, 0.2 + 0.01 * wobble, 0.3 + 0.01 * std::sin(i * 0.9),
                  2.0 + 0.05 * std::cos(i * 0.4), 0.1 + 0.02 * std::sin(i * 1.7),
                  70 + 0.01 * i, 25 + 0.005 * i, 230 + std::sin(i * 0.3),
                  (anomalous ? 20.0 : 32.0) + 0.3 * wobble, anomalous ? 1 : 0, i == 450 ? 1 : 0);
    text += line;
  }
  return text;
}

TEST(CmdEval, SkabFitsEachFileAndReportsFoldersAsJson) {
  EvalDir dir;
  PosixFileSystem fs;
  ASSERT_TRUE(fs.CreateDirs(dir.File("data/valve9")).ok());
  ASSERT_TRUE(fs.WriteFileAtomic(dir.File("data/valve9/1.csv"), SyntheticSkabFile()).ok());
  Capture out, err;
  EvalSkabFlags flags;
  flags.data = dir.File("data");
  flags.json = true;
  ASSERT_EQ(RunEvalSkab(flags, fs, out.file(), err.file()), 0) << err.Text();
  const nlohmann::json doc = nlohmann::json::parse(out.Text());
  EXPECT_EQ(doc["model"], "pca");
  ASSERT_EQ(doc["folders"].size(), 1u);
  EXPECT_EQ(doc["folders"][0]["name"], "valve9");
  EXPECT_EQ(doc["overall"]["test_rows"], 200);
  // The flow drop is far outside the first 400 rows: found, with few false alarms.
  EXPECT_GT(doc["overall"]["f1"].get<double>(), 0.8);
  EXPECT_LT(doc["overall"]["far_pct"].get<double>(), 15.0);
}

TEST(CmdEval, SkabMapsErrorsToExitCodes) {
  EvalDir dir;
  PosixFileSystem fs;
  Capture out, err;
  EvalSkabFlags flags;
  flags.data = dir.File("missing");
  EXPECT_EQ(RunEvalSkab(flags, fs, out.file(), err.file()), 3);
  flags.data = dir.File("");
  flags.model = "svm";
  EXPECT_EQ(RunEvalSkab(flags, fs, out.file(), err.file()), 2);
  EXPECT_NE(err.Text().find("svm"), std::string::npos) << err.Text();
}

TEST(CmdEval, SkabMetricsReportsEveryDetectorAsJson) {
  EvalDir dir;
  PosixFileSystem fs;
  const std::string path = dir.File("p.csv");
  ASSERT_TRUE(fs.WriteFileAtomic(path,
                                 "file,datetime,anomaly,changepoint,pred_x,pred_y\n"
                                 "a,2020-03-01 15:51:06,0,0,0,1\n"
                                 "a,2020-03-01 15:51:07,1,1,1,1\n"
                                 "a,2020-03-01 15:51:08,1,0,1,0\n")
                  .ok());
  Capture out, err;
  ASSERT_EQ(RunEvalSkabMetrics({path, true}, fs, out.file(), err.file()), 0) << err.Text();
  const nlohmann::json doc = nlohmann::json::parse(out.Text());
  ASSERT_EQ(doc["detectors"].size(), 2u);
  EXPECT_EQ(doc["detectors"][0]["detector"], "pred_x");
  EXPECT_DOUBLE_EQ(doc["detectors"][0]["f1"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(doc["detectors"][0]["nab_standard"].get<double>(), 100.0);
  EXPECT_EQ(doc["detectors"][1]["fp_cps"], 1);
}

TEST(CmdEval, SkabMetricsReproducesReferenceTable) {
  PosixFileSystem fs;
  if (!fs.Exists(kReference)) GTEST_SKIP() << "SKAB reference predictions not found: " << kReference;
  Capture out, err;
  ASSERT_EQ(RunEvalSkabMetrics({kReference, false}, fs, out.file(), err.file()), 0) << err.Text();
  const std::string text = out.Text();
  EXPECT_NE(text.find("pred_Conv_AE"), std::string::npos) << text;
  EXPECT_NE(text.find("  0.78    13.52    28.31     25.96     23.84     29.98"), std::string::npos)
      << text;
}

TEST(CmdEval, SkabMetricsMapsErrorsToExitCodes) {
  EvalDir dir;
  PosixFileSystem fs;
  Capture out, err;
  EXPECT_EQ(RunEvalSkabMetrics({dir.File("none.csv"), false}, fs, out.file(), err.file()), 3);
  ASSERT_TRUE(fs.WriteFileAtomic(dir.File("bad.csv"), "datetime,anomaly\n").ok());
  EXPECT_EQ(RunEvalSkabMetrics({dir.File("bad.csv"), false}, fs, out.file(), err.file()), 2);
  EXPECT_NE(err.Text().find("bad.csv:1:"), std::string::npos);
}

TEST(CmdEval, CmapssCrossValidationWritesBothScores) {
  EvalDir dir;
  PosixFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic(dir.File("train.txt"), LinearEngines(4)).ok());
  EvalCmapssFlags flags;
  flags.train = dir.File("train.txt");
  flags.folds = 2;
  flags.json = true;
  Capture out, err;
  ASSERT_EQ(RunEvalCmapss(flags, fs, out.file(), err.file()), 0) << err.Text();
  const nlohmann::json doc = nlohmann::json::parse(out.Text());
  EXPECT_EQ(doc["protocol"], "cross_validation");
  EXPECT_EQ(doc["train_engines"], 4);
  EXPECT_EQ(doc["truncated_engines"]["rows"], 20);
  EXPECT_TRUE(doc["all_windows"]["rmse"].is_number());

  flags.train = dir.File("missing.txt");
  Capture out2, err2;
  EXPECT_EQ(RunEvalCmapss(flags, fs, out2.file(), err2.file()), 3);
  EXPECT_NE(err2.Text().find("edgeloop: "), std::string::npos);
  flags.train = dir.File("train.txt");
  flags.folds = 9;
  EXPECT_EQ(RunEvalCmapss(flags, fs, out2.file(), err2.file()), 2);
}

}  // namespace
}  // namespace edgeloop::app
