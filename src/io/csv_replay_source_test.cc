#include "io/csv_replay_source.h"

#include <gtest/gtest.h>

#include <cmath>

#include "base/time_format.h"
#include "io/internal/temp_dir.h"

namespace edgeloop::io {
namespace {

const char kReadings[] =
    "time,asset,temp,flow\n"
    "2026-01-01T00:00:10Z,P2,20,\n"
    "2026-01-01T00:00:30Z,P2,21,5\n"
    "2026-01-01T00:00:00Z,P1,10,1\n"
    "2026-01-01T00:00:10Z,P1,11,2\n"
    "2026-01-01T00:00:20Z,P1,12,3\n";

class CsvReplaySourceTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.File(name);
    EXPECT_TRUE(fs_.WriteFileAtomic(path, text).ok());
    return path;
  }
  CsvReplaySource OpenReadings(double speed, size_t max_rows = 10000) {
    CsvReplayConfig config;
    config.readings_path = Write("readings.csv", kReadings);
    config.speed = speed;
    config.max_rows_per_poll = max_rows;
    Result<CsvReplaySource> source = CsvReplaySource::Open(config, fs_);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    return std::move(source).value();
  }
  internal::TempDir dir_;
  PosixFileSystem fs_;
  const int64_t t0_ = *ParseTimestamp("2026-01-01T00:00:00Z");
};

std::vector<std::pair<std::string, int64_t>> Keys(const SourceBatch& batch) {
  std::vector<std::pair<std::string, int64_t>> keys;
  for (const SourceRow& row : batch.rows) keys.emplace_back(row.asset, row.time_ms);
  return keys;
}

TEST_F(CsvReplaySourceTest, ServesRowsInTimeOrderAcrossAssetsWithFileTimestamps) {
  CsvReplaySource source = OpenReadings(0);
  EXPECT_EQ(source.kind(), "csv_replay");
  SourceBatch batch;
  ASSERT_TRUE(source.Poll(5'000'000, &batch).ok());
  const std::vector<std::pair<std::string, int64_t>> expected = {
      {"P1", t0_}, {"P1", t0_ + 10000}, {"P2", t0_ + 10000}, {"P1", t0_ + 20000},
      {"P2", t0_ + 30000}};
  EXPECT_EQ(Keys(batch), expected);
  EXPECT_EQ(batch.rows[2].signals, (std::vector<std::string>{"temp", "flow"}));
  EXPECT_EQ(batch.rows[2].values[0], 20);
  EXPECT_TRUE(std::isnan(batch.rows[2].values[1]));
  EXPECT_EQ(source.NextDueMs(5'000'000), std::nullopt);
}

TEST_F(CsvReplaySourceTest, MapsFileTimeToClockTimeBySpeed) {
  CsvReplaySource source = OpenReadings(2.0);  // 10 s of file time per 5 s of clock time
  const int64_t now0 = 1'000'000;
  EXPECT_EQ(source.NextDueMs(now0), now0);  // not pinned yet: poll now
  SourceBatch batch;
  ASSERT_TRUE(source.Poll(now0, &batch).ok());
  EXPECT_EQ(Keys(batch), (std::vector<std::pair<std::string, int64_t>>{{"P1", t0_}}));
  EXPECT_EQ(source.NextDueMs(now0), now0 + 5000);
  batch.clear();
  ASSERT_TRUE(source.Poll(now0 + 4999, &batch).ok());
  EXPECT_TRUE(batch.empty());
  ASSERT_TRUE(source.Poll(now0 + 5000, &batch).ok());
  EXPECT_EQ(batch.rows.size(), 2u);
  EXPECT_EQ(source.NextDueMs(now0 + 5000), now0 + 10000);
  batch.clear();
  ASSERT_TRUE(source.Poll(now0 + 15000, &batch).ok());  // late poll catches up
  EXPECT_EQ(Keys(batch), (std::vector<std::pair<std::string, int64_t>>{{"P1", t0_ + 20000},
                                                                      {"P2", t0_ + 30000}}));
  EXPECT_EQ(source.NextDueMs(now0 + 15000), std::nullopt);
  EXPECT_EQ(source.rows_served(), 5u);
}

TEST_F(CsvReplaySourceTest, ResumeAfterDropsOneAssetsServedRowsAndPinsAtTheFirstKeptRow) {
  CsvReplaySource source = OpenReadings(1.0);
  source.ResumeAfter("P1", t0_ + 10000);
  const int64_t now0 = 7'000'000;
  SourceBatch batch;
  ASSERT_TRUE(source.Poll(now0, &batch).ok());
  // P1's first two rows are gone; the first kept row (P2 at +10 s) is pinned to now0.
  EXPECT_EQ(Keys(batch), (std::vector<std::pair<std::string, int64_t>>{{"P2", t0_ + 10000}}));
  EXPECT_EQ(source.NextDueMs(now0), now0 + 10000);
  batch.clear();
  ASSERT_TRUE(source.Poll(now0 + 20000, &batch).ok());
  EXPECT_EQ(Keys(batch), (std::vector<std::pair<std::string, int64_t>>{{"P1", t0_ + 20000},
                                                                      {"P2", t0_ + 30000}}));
}

TEST_F(CsvReplaySourceTest, AsFastAsPossibleIsBoundedPerPoll) {
  CsvReplaySource source = OpenReadings(0, 2);
  std::vector<size_t> per_poll;
  int64_t now = 100;
  while (source.NextDueMs(now)) {
    EXPECT_EQ(*source.NextDueMs(now), now);
    SourceBatch batch;
    ASSERT_TRUE(source.Poll(now, &batch).ok());
    per_poll.push_back(batch.rows.size());
    ++now;
  }
  EXPECT_EQ(per_poll, (std::vector<size_t>{2, 2, 1}));
}

TEST_F(CsvReplaySourceTest, InterleavesBurstsWithRowsByStartTime) {
  Waveform burst{"P2", "vib", t0_ + 15000, 1000, {1, 2, 3}};
  std::vector<AssetReadings> readings(1);
  readings[0].asset = "P1";
  readings[0].signals = {"temp"};
  readings[0].time_ms = {t0_, t0_ + 10000, t0_ + 20000};
  readings[0].values = {{1, 2, 3}};
  Result<CsvReplaySource> source = CsvReplaySource::FromData(readings, {burst}, 1.0);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  SourceBatch batch;
  ASSERT_TRUE(source->Poll(0, &batch).ok());
  ASSERT_TRUE(source->Poll(10000, &batch).ok());
  EXPECT_EQ(batch.rows.size(), 2u);
  EXPECT_TRUE(batch.bursts.empty());
  EXPECT_EQ(source->NextDueMs(10000), 15000);
  ASSERT_TRUE(source->Poll(15000, &batch).ok());
  ASSERT_EQ(batch.bursts.size(), 1u);
  EXPECT_EQ(batch.bursts[0].start_ms, t0_ + 15000);
  EXPECT_EQ(batch.bursts[0].samples, (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(source->NextDueMs(15000), 20000);
}

TEST_F(CsvReplaySourceTest, ReadsWaveformsFileAndRejectsNegativeSpeed) {
  CsvReplayConfig config;
  config.waveforms_path = Write("waveforms.csv",
                                "time,asset,signal,rate_hz,samples\n"
                                "2026-01-01T00:00:00Z,P1,vib,2000,0.5 0.25\n"
                                "2026-01-01T00:01:00Z,P1,vib,2000,1 2\n");
  Result<CsvReplaySource> source = CsvReplaySource::Open(config, fs_);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  SourceBatch batch;
  ASSERT_TRUE(source->Poll(0, &batch).ok());
  ASSERT_EQ(batch.bursts.size(), 1u);
  EXPECT_EQ(batch.bursts[0].rate_hz, 2000);
  EXPECT_EQ(source->NextDueMs(0), 60000);
  config.speed = -1;
  Result<CsvReplaySource> bad = CsvReplaySource::Open(config, fs_);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("speed"), std::string::npos);
}

TEST_F(CsvReplaySourceTest, MissingReadingsFileIsNotFound) {
  CsvReplayConfig config;
  config.readings_path = dir_.File("absent.csv");
  EXPECT_EQ(CsvReplaySource::Open(config, fs_).status().code(), StatusCode::kNotFound);
}

TEST(CutBursts, CutsConsecutiveChunksPlayedEveryPeriod) {
  Waveform record{"P1", "vib", 0, 1000, std::vector<float>(2500)};
  for (size_t i = 0; i < record.samples.size(); ++i) record.samples[i] = static_cast<float>(i);
  Result<std::vector<Waveform>> bursts = CutBursts(record, 1000, 60000, 500);
  ASSERT_TRUE(bursts.ok());
  ASSERT_EQ(bursts->size(), 2u);
  EXPECT_EQ((*bursts)[1].start_ms, 60500);
  EXPECT_EQ((*bursts)[1].samples.size(), 1000u);
  EXPECT_EQ((*bursts)[1].samples[0], 1000.0f);
  EXPECT_FALSE(CutBursts(record, 5000, 60000, 0).ok());
  EXPECT_FALSE(CutBursts(record, 0, 60000, 0).ok());
}

TEST_F(CsvReplaySourceTest, CutsCwruRecordIntoBurstsAtItsRate) {
  const std::string dir = std::string(EDGELOOP_SOURCE_DIR) + "/../shared/data/cwru";
  if (!fs_.IsDirectory(dir)) GTEST_SKIP() << "CWRU data not found at " << dir;
  CsvReplayConfig config;
  config.cwru = CwruReplayConfig{dir + "/1797rpm_IR_7_DE12k.csv", "P7", "vib_de_raw", 12000,
                                 500, 60000, t0_};
  config.speed = 0;
  Result<CsvReplaySource> source = CsvReplaySource::Open(config, fs_);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  SourceBatch batch;
  ASSERT_TRUE(source->Poll(0, &batch).ok());
  ASSERT_GE(batch.bursts.size(), 19u);  // about 10 s of data in 0.5 s bursts
  for (size_t i = 0; i < batch.bursts.size(); ++i) {
    EXPECT_EQ(batch.bursts[i].asset, "P7");
    EXPECT_EQ(batch.bursts[i].signal, "vib_de_raw");
    EXPECT_EQ(batch.bursts[i].rate_hz, 12000);
    EXPECT_EQ(batch.bursts[i].samples.size(), 6000u);
    EXPECT_EQ(batch.bursts[i].start_ms, t0_ + static_cast<int64_t>(i) * 60000);
  }
}

}  // namespace
}  // namespace edgeloop::io
