#include "io/skab_reader.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "base/file_system.h"
#include "io/internal/temp_dir.h"

namespace edgeloop::io {
namespace {

const std::string kSkabDir = std::string(EDGELOOP_SOURCE_DIR) + "/../shared/data/skab/data/";
const char kHeader[] =
    "datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;"
    "Voltage;Volume Flow RateRMS;anomaly;changepoint\n";

TEST(SkabReader, ParsesSignalsAndLabels) {
  const std::string text = std::string(kHeader) +
                           "2020-03-09 11:14:34;1;2;3;4;5;6;7;8;0.0;0.0\r\n"
                           "2020-03-09 11:14:36;1.5;2;3;4;5;6;7;;1.0;1.0\n";
  Result<SkabFile> file = ParseSkabCsv("t.csv", text, "valve1/3");
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_TRUE(file->labelled);
  EXPECT_EQ(file->readings.asset, "valve1/3");
  ASSERT_EQ(file->readings.signals.size(), 8u);
  EXPECT_EQ(file->readings.signals[7], "Volume Flow RateRMS");
  ASSERT_EQ(file->readings.rows(), 2u);
  EXPECT_EQ(file->readings.time_ms[1] - file->readings.time_ms[0], 2000);
  EXPECT_DOUBLE_EQ(file->readings.values[0][1], 1.5);
  EXPECT_TRUE(std::isnan(file->readings.values[7][1]));
  EXPECT_EQ(file->anomaly, (std::vector<int>{0, 1}));
  EXPECT_EQ(file->changepoint, (std::vector<int>{0, 1}));
}

TEST(SkabReader, UnlabelledFileHasNoLabels) {
  const std::string text =
      "datetime;a;b;c;d;e;f;g;h\n2020-02-08 13:30:47;1;2;3;4;5;6;7;8\n";
  Result<SkabFile> file = ParseSkabCsv("free.csv", text, "anomaly-free/anomaly-free");
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_FALSE(file->labelled);
  EXPECT_TRUE(file->anomaly.empty());
  EXPECT_EQ(file->readings.rows(), 1u);
}

TEST(SkabReader, RejectsBadLabelsWithFileAndLine) {
  const std::string nan_label = std::string(kHeader) +
                                "2020-03-09 11:14:34;1;2;3;4;5;6;7;8;0.0;0.0\n"
                                "2020-03-09 11:14:35;1;2;3;4;5;6;7;8;nan;0.0\n";
  Result<SkabFile> a = ParseSkabCsv("x.csv", nan_label, "x");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(a.status().message().find("x.csv:3:"), std::string::npos) << a.status().message();
  EXPECT_NE(a.status().message().find("anomaly"), std::string::npos);

  const std::string two = std::string(kHeader) + "2020-03-09 11:14:34;1;2;3;4;5;6;7;8;0.0;2.0\n";
  Result<SkabFile> b = ParseSkabCsv("y.csv", two, "y");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("y.csv:2: changepoint"), std::string::npos)
      << b.status().message();
}

TEST(SkabReader, RejectsStructuralErrors) {
  EXPECT_FALSE(ParseSkabCsv("h.csv", "time;a\n2020-01-01 00:00:00;1\n", "h").ok());
  const std::string short_row = std::string(kHeader) + "2020-03-09 11:14:34;1;2;3\n";
  Result<SkabFile> s = ParseSkabCsv("s.csv", short_row, "s");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("s.csv:2: expected 11 fields"), std::string::npos);
  const std::string backwards = std::string(kHeader) +
                                "2020-03-09 11:14:34;1;2;3;4;5;6;7;8;0;0\n"
                                "2020-03-09 11:14:34;1;2;3;4;5;6;7;8;0;0\n";
  Result<SkabFile> t = ParseSkabCsv("t.csv", backwards, "t");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("t.csv:3:"), std::string::npos);
  EXPECT_FALSE(ParseSkabCsv("n.csv", std::string(kHeader) +
                                         "2020-03-09 11:14:34;x;2;3;4;5;6;7;8;0;0\n", "n")
                   .ok());
}

TEST(SkabReader, AssetNameIsFolderAndStem) {
  EXPECT_EQ(SkabAssetName("/data/skab/valve1/3.csv"), "valve1/3");
  EXPECT_EQ(SkabAssetName("valve1/3.csv"), "valve1/3");
  EXPECT_EQ(SkabAssetName("3.csv"), "3");
}

TEST(SkabReader, ReadsFileThroughFileSystem) {
  internal::TempDir dir;
  PosixFileSystem fs;
  ASSERT_TRUE(fs.CreateDirs(dir.File("other")).ok());
  const std::string path = dir.File("other/5.csv");
  ASSERT_TRUE(fs.WriteFileAtomic(path, std::string(kHeader) +
                                           "2020-03-09 11:14:34;1;2;3;4;5;6;7;8;0;1\n")
                  .ok());
  Result<SkabFile> file = ReadSkabCsv(path, fs);
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->readings.asset, "other/5");
  EXPECT_EQ(file->changepoint, (std::vector<int>{1}));
  EXPECT_EQ(ReadSkabCsv(dir.File("missing.csv"), fs).status().code(), StatusCode::kNotFound);
}

TEST(SkabReader, ReadsRealFiles) {
  PosixFileSystem fs;
  if (!fs.Exists(kSkabDir + "valve1/3.csv")) GTEST_SKIP() << "SKAB data not found in " << kSkabDir;
  Result<SkabFile> valve = ReadSkabCsv(kSkabDir + "valve1/3.csv", fs);
  ASSERT_TRUE(valve.ok()) << valve.status().message();
  EXPECT_EQ(valve->readings.asset, "valve1/3");
  EXPECT_EQ(valve->readings.signals.size(), 8u);
  EXPECT_EQ(valve->anomaly.size(), valve->readings.rows());
  int changepoints = 0;
  for (int c : valve->changepoint) changepoints += c;
  EXPECT_GE(changepoints, 1);
  Result<SkabFile> free_file = ReadSkabCsv(kSkabDir + "anomaly-free/anomaly-free.csv", fs);
  ASSERT_TRUE(free_file.ok()) << free_file.status().message();
  EXPECT_FALSE(free_file->labelled);
  EXPECT_EQ(free_file->readings.rows(), 9405u);
}

}  // namespace
}  // namespace edgeloop::io
