#include "io/csv_replay.h"

#include <gtest/gtest.h>

#include <cmath>

#include "base/clock.h"
#include "base/time_format.h"
#include "io/internal/temp_dir.h"

namespace edgeloop::io {
namespace {

class ReplayFiles : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    const std::string path = dir_.File("readings.csv");
    EXPECT_TRUE(fs_.WriteFileAtomic(path, text).ok());
    return path;
  }
  internal::TempDir dir_;
  PosixFileSystem fs_;
};

// Assets in blocks (all of P2, then all of P1) still replay in (time, asset) order.
const char kBlocks[] =
    "time,asset,temp,flow\n"
    "2026-01-01T00:00:10Z,P2,20,\n"
    "2026-01-01T00:00:30Z,P2,21,5\n"
    "2026-01-01T00:00:00Z,P1,10,1\n"
    "2026-01-01T00:00:10Z,P1,11,2\n"
    "2026-01-01T00:00:20Z,P1,12,3\n";

TEST_F(ReplayFiles, YieldsRowsInTimeOrderAcrossAssets) {
  Result<ReadingsReplay> replay = ReadingsReplay::Open(Write(kBlocks), fs_);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->rows_total(), 5u);
  const int64_t t0 = *ParseTimestamp("2026-01-01T00:00:00Z");
  const std::pair<std::string, int64_t> expected[] = {
      {"P1", t0}, {"P1", t0 + 10000}, {"P2", t0 + 10000}, {"P1", t0 + 20000}, {"P2", t0 + 30000}};
  ReplayRow row;
  for (const auto& [asset, time] : expected) {
    ASSERT_EQ(replay->PeekTime(), time);
    ASSERT_TRUE(replay->Next(&row));
    EXPECT_EQ(*row.asset, asset);
    EXPECT_EQ(row.time_ms, time);
    EXPECT_EQ(*row.signals, (std::vector<std::string>{"temp", "flow"}));
  }
  EXPECT_FALSE(replay->Next(&row));
  EXPECT_EQ(replay->PeekTime(), std::nullopt);
  EXPECT_EQ(replay->rows_served(), 5u);
}

TEST_F(ReplayFiles, CallerPacesTheReplayWithItsClock) {
  Result<ReadingsReplay> replay = ReadingsReplay::Open(Write(kBlocks), fs_);
  ASSERT_TRUE(replay.ok());
  SimulatedClock clock(*ParseTimestamp("2026-01-01T00:00:00Z"));
  std::vector<int> served_per_tick;
  ReplayRow row;
  while (replay->PeekTime()) {
    int served = 0;
    while (replay->PeekTime() && *replay->PeekTime() <= clock.NowMillis()) {
      ASSERT_TRUE(replay->Next(&row));
      ++served;
    }
    served_per_tick.push_back(served);
    clock.Advance(10000);
  }
  EXPECT_EQ(served_per_tick, (std::vector<int>{1, 2, 1, 1}));
}

TEST_F(ReplayFiles, ValuesKeepMissingReadings) {
  Result<ReadingsReplay> replay = ReadingsReplay::Open(Write(kBlocks), fs_);
  ASSERT_TRUE(replay.ok());
  ReplayRow row;
  replay->SkipUntil(*ParseTimestamp("2026-01-01T00:00:10Z"));
  EXPECT_EQ(replay->rows_served(), 1u);
  ASSERT_TRUE(replay->Next(&row));
  EXPECT_EQ(*row.asset, "P1");
  EXPECT_EQ(row.values, (std::vector<double>{11, 2}));
  ASSERT_TRUE(replay->Next(&row));
  EXPECT_EQ(*row.asset, "P2");
  EXPECT_EQ(row.values[0], 20);
  EXPECT_TRUE(std::isnan(row.values[1]));
  replay->Rewind();
  ASSERT_TRUE(replay->Next(&row));
  EXPECT_EQ(row.values, (std::vector<double>{10, 1}));
}

TEST_F(ReplayFiles, ABadFileFailsBeforeTheFirstRow) {
  Result<ReadingsReplay> replay =
      ReadingsReplay::Open(Write("time,asset,temp\n2026-01-01,P1,1\n2026-01-01,P1,2\n"), fs_);
  ASSERT_FALSE(replay.ok());
  EXPECT_NE(replay.status().message().find(":3: duplicated timestamp"), std::string::npos);
  std::vector<AssetReadings> readings(1);
  readings[0] = {"P1", {2, 1}, {"temp"}, {{1, 2}}};
  EXPECT_FALSE(ReadingsReplay::FromReadings(readings).ok());
}

}  // namespace
}  // namespace edgeloop::io
