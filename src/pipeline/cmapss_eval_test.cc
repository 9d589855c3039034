#include "pipeline/cmapss_eval.h"

#include <stdlib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "base/file_system.h"
#include "base/random.h"

namespace edgeloop::pipeline {
namespace {

const std::string kCmapssDir = std::string(EDGELOOP_SOURCE_DIR) + "/../shared/data/cmapss/";

class TempDir {
 public:
  TempDir() {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/el_cmapss_XXXXXX";
    EL_CHECK(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Engines whose sensor 2 drifts up with wear and sensor 3 down; the other columns are constant.
// `truncate` cuts each engine at a random cycle and returns the true RUL there in `rul`.
std::string SyntheticEngines(int engines, uint64_t seed, bool truncate, std::string* rul) {
  Random random(seed);
  std::string text;
  for (int u = 1; u <= engines; ++u) {
    const int life = static_cast<int>(random.UniformInt(120, 220));
    const int last = truncate ? static_cast<int>(random.UniformInt(40, life)) : life;
    if (rul != nullptr) *rul += std::to_string(life - last) + "\n";
    for (int c = 1; c <= last; ++c) {
      const double wear = std::exp(3.0 * c / life);
      char row[512];
      std::snprintf(row, sizeof(row), "%d %d 0.0010 0.0002 100.0", u, c);
      text += row;
      for (int s = 1; s <= 21; ++s) {
        double v = 0;
        if (s == 2) v = 640 + wear + random.Normal(0, 0.3);
        if (s == 3) v = 1590 - 2 * wear + random.Normal(0, 0.5);
        if (s == 1) v = 518.67;
        if (s > 3) v = s;  // constant, dropped
        std::snprintf(row, sizeof(row), " %.4f", v);
        text += row;
      }
      text += " \n";
    }
  }
  return text;
}

TEST(CmapssEval, CrossValidatesByEngineAndDropsConstantColumns) {
  TempDir dir;
  PosixFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic(dir.File("train.txt"), SyntheticEngines(12, 3, false, nullptr)).ok());
  CmapssOptions options;
  options.train_path = dir.File("train.txt");
  options.nthread = 1;
  options.folds = 3;
  Result<CmapssReport> report = EvaluateCmapss(options, fs);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->cross_validation);
  EXPECT_EQ(report->train_engines, 12u);
  EXPECT_EQ(report->fold_per_engine_rmse.size(), 3u);
  EXPECT_EQ(report->per_engine_rows, 12u * 5);
  EXPECT_EQ(report->all_windows_rows, report->train_windows);
  // setting3 and s1 never change.
  EXPECT_NE(std::find(report->dropped_columns.begin(), report->dropped_columns.end(), "s1"),
            report->dropped_columns.end());
  EXPECT_NE(std::find(report->dropped_columns.begin(), report->dropped_columns.end(), "setting3"),
            report->dropped_columns.end());
  // The wear signal is learnable: far better than the spread of capped RUL (about 45).
  EXPECT_LT(report->per_engine.rmse, 25.0);
  EXPECT_LT(report->all_windows.rmse, 25.0);

  Result<CmapssReport> again = EvaluateCmapss(options, fs);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->per_engine.rmse, report->per_engine.rmse);
  options.seed = 8;
  Result<CmapssReport> other_seed = EvaluateCmapss(options, fs);
  ASSERT_TRUE(other_seed.ok());
  EXPECT_NE(other_seed->per_engine.rmse, report->per_engine.rmse);
}

TEST(CmapssEval, ScoresTestEnginesAtTheirLastCycle) {
  TempDir dir;
  PosixFileSystem fs;
  std::string rul;
  ASSERT_TRUE(fs.WriteFileAtomic(dir.File("train.txt"), SyntheticEngines(10, 3, false, nullptr)).ok());
  ASSERT_TRUE(fs.WriteFileAtomic(dir.File("test.txt"), SyntheticEngines(6, 4, true, &rul)).ok());
  ASSERT_TRUE(fs.WriteFileAtomic(dir.File("rul.txt"), rul).ok());
  CmapssOptions options;
  options.train_path = dir.File("train.txt");
  options.nthread = 1;
  options.test_path = dir.File("test.txt");
  options.rul_path = dir.File("rul.txt");
  Result<CmapssReport> report = EvaluateCmapss(options, fs);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_FALSE(report->cross_validation);
  EXPECT_EQ(report->test_engines, 6u);
  EXPECT_EQ(report->per_engine_rows, 6u);
  EXPECT_LT(report->per_engine.rmse, 40.0);
  EXPECT_GT(report->per_engine.nasa_score, 0.0);
}

TEST(CmapssEval, RejectsInconsistentInputs) {
  TempDir dir;
  PosixFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic(dir.File("train.txt"), SyntheticEngines(3, 3, false, nullptr)).ok());
  ASSERT_TRUE(fs.WriteFileAtomic(dir.File("rul.txt"), "10\n").ok());
  CmapssOptions options;
  options.train_path = dir.File("train.txt");
  options.nthread = 1;
  options.folds = 5;  // more folds than engines
  EXPECT_EQ(EvaluateCmapss(options, fs).status().code(), StatusCode::kInvalidArgument);
  options.folds = 1;
  EXPECT_EQ(EvaluateCmapss(options, fs).status().code(), StatusCode::kInvalidArgument);
  options.folds = 2;
  options.test_path = dir.File("train.txt");
  EXPECT_EQ(EvaluateCmapss(options, fs).status().code(), StatusCode::kInvalidArgument);
  options.rul_path = dir.File("rul.txt");  // 1 RUL for 3 engines
  Result<CmapssReport> mismatch = EvaluateCmapss(options, fs);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("1 values for 3 test engines"), std::string::npos)
      << mismatch.status().message();
  options.train_path = dir.File("missing.txt");
  options.nthread = 1;
  EXPECT_EQ(EvaluateCmapss(options, fs).status().code(), StatusCode::kNotFound);
}

TEST(CmapssEval, Fd001CrossValidationBeatsPublishedDeepModels) {
  PosixFileSystem fs;
  if (!fs.Exists(kCmapssDir + "train_FD001.txt")) {
    GTEST_SKIP() << "C-MAPSS data not found in " << kCmapssDir;
  }
  CmapssOptions options;
  options.train_path = kCmapssDir + "train_FD001.txt";
  options.nthread = 1;
  Result<CmapssReport> report = EvaluateCmapss(options, fs);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->train_engines, 100u);
  EXPECT_EQ(report->dropped_columns.size(), 7u);
  std::printf("FD001 5-fold CV: truncated engines RMSE %.2f NASA %.1f (n=%zu); all windows RMSE "
              "%.2f (n=%zu)\n",
              report->per_engine.rmse, report->per_engine.nasa_score, report->per_engine_rows,
              report->all_windows.rmse, report->all_windows_rows);
  EXPECT_LT(report->per_engine.rmse, 16.14);
}

}  // namespace
}  // namespace edgeloop::pipeline
