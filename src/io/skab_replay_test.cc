#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "base/file_system.h"
#include "io/csv_replay_source.h"
#include "io/skab_reader.h"

namespace edgeloop::io {
namespace {

std::string TempDir() {
  char pattern[] = "/tmp/skab_replay_XXXXXX";
  const char* dir = mkdtemp(pattern);
  EXPECT_NE(dir, nullptr);
  return dir ? std::string(dir) : std::string("/tmp");
}

const char kSkab[] =
    "datetime;Accelerometer1RMS;Volume Flow RateRMS;anomaly;changepoint\n"
    "2020-03-09 10:14:33;0.5;32.0;0.0;0.0\n"
    "2020-03-09 10:14:34;0.6;31.0;0.0;0.0\n"
    "2020-03-09 10:14:36;0.7;30.0;1.0;1.0\n";

TEST(SkabSignalName, SpacesBecomeUnderscores) {
  EXPECT_EQ(SkabSignalName("Volume Flow RateRMS"), "Volume_Flow_RateRMS");
  EXPECT_EQ(SkabSignalName("Current"), "Current");
}

TEST(CsvReplaySkab, ServesTheRowsOfOneAssetWithSpecSignalNames) {
  PosixFileSystem fs;
  const std::string path = JoinPath(TempDir(), "3.csv");
  ASSERT_TRUE(fs.WriteFileAtomic(path, kSkab).ok());
  CsvReplayConfig config;
  config.format = ReplayFormat::kSkab;
  config.asset = "valve1-3";
  config.readings_path = path;
  config.speed = 0;
  Result<CsvReplaySource> source = CsvReplaySource::Open(config, fs);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  SourceBatch batch;
  ASSERT_TRUE(source->Poll(0, &batch).ok());
  ASSERT_EQ(batch.rows.size(), 3u);
  const SourceRow& last = batch.rows[2];
  EXPECT_EQ(last.asset, "valve1-3");
  EXPECT_EQ(last.time_ms - batch.rows[0].time_ms, 3000);
  // The labels are not signals; the signals carry spec-safe names.
  bool flow = false;
  for (size_t i = 0; i < last.signals.size(); ++i) {
    EXPECT_NE(last.signals[i], "anomaly");
    if (last.signals[i] == "Volume_Flow_RateRMS") {
      flow = true;
      EXPECT_EQ(last.values[i], 30.0);
    }
  }
  EXPECT_TRUE(flow);
}

TEST(CsvReplaySkab, NeedsAnAssetAndAFile) {
  PosixFileSystem fs;
  CsvReplayConfig config;
  config.format = ReplayFormat::kSkab;
  config.readings_path = "/nonexistent/1.csv";
  Result<CsvReplaySource> source = CsvReplaySource::Open(config, fs);
  ASSERT_FALSE(source.ok());
  EXPECT_NE(source.status().message().find("asset"), std::string::npos);
  config.asset = "a";
  EXPECT_FALSE(CsvReplaySource::Open(config, fs).ok());
}

}  // namespace
}  // namespace edgeloop::io
