#include "io/cmapss_reader.h"

#include <string>

#include <gtest/gtest.h>

#include "base/file_system.h"

namespace edgeloop::io {
namespace {

const std::string kTrainFd001 =
    std::string(EDGELOOP_SOURCE_DIR) + "/../shared/data/cmapss/train_FD001.txt";

std::string Row(int unit, int cycle, double s1 = 518.67) {
  std::string row = std::to_string(unit) + " " + std::to_string(cycle) + " -0.0007 -0.0004 100.0 ";
  row += std::to_string(s1);
  for (int s = 2; s <= 21; ++s) row += " " + std::to_string(s);
  return row + "  \n";  // trailing spaces as in NASA's files
}

TEST(CmapssReader, ParsesUnitsWithCycleTime) {
  Result<CmapssUnits> units = ParseCmapssTxt("t.txt", Row(1, 1) + Row(1, 2, 520) + Row(2, 1));
  ASSERT_TRUE(units.ok()) << units.status().message();
  ASSERT_EQ(units->readings.size(), 2u);
  EXPECT_EQ(units->unit, (std::vector<int>{1, 2}));
  EXPECT_EQ(units->max_cycle, (std::vector<int>{2, 1}));
  const AssetReadings& first = units->readings[0];
  EXPECT_EQ(first.asset, "unit-1");
  ASSERT_EQ(first.signals.size(), 24u);
  EXPECT_EQ(first.signals[3], "s1");
  EXPECT_EQ(first.time_ms[0], kCmapssEpochMs + kCmapssCycleMs);
  EXPECT_EQ(first.time_ms[1] - first.time_ms[0], kCmapssCycleMs);
  EXPECT_DOUBLE_EQ(first.values[3][1], 520.0);
  EXPECT_DOUBLE_EQ(first.values[0][0], -0.0007);
}

TEST(CmapssReader, RejectsMalformedRows) {
  Result<CmapssUnits> few = ParseCmapssTxt("f.txt", Row(1, 1) + "1 2 3\n");
  ASSERT_FALSE(few.ok());
  EXPECT_NE(few.status().message().find("f.txt:2: expected 26 columns"), std::string::npos)
      << few.status().message();
  Result<CmapssUnits> back = ParseCmapssTxt("b.txt", Row(1, 2) + Row(1, 2));
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("b.txt:2: cycle 2 of unit 1"), std::string::npos);
  Result<CmapssUnits> split = ParseCmapssTxt("s.txt", Row(1, 1) + Row(2, 1) + Row(1, 2));
  ASSERT_FALSE(split.ok());
  EXPECT_NE(split.status().message().find("not contiguous"), std::string::npos);
  std::string bad = Row(1, 1);
  bad.replace(bad.find("518"), 3, "abc");
  EXPECT_FALSE(ParseCmapssTxt("n.txt", bad).ok());
  EXPECT_FALSE(ParseCmapssTxt("u.txt", Row(0, 1)).ok());
}

TEST(CmapssReader, ParsesRulFile) {
  Result<std::vector<int>> rul = ParseCmapssRul("RUL.txt", "112 \n98\n\n69\n");
  ASSERT_TRUE(rul.ok()) << rul.status().message();
  EXPECT_EQ(*rul, (std::vector<int>{112, 98, 69}));
  Result<std::vector<int>> bad = ParseCmapssRul("RUL.txt", "112\n-3\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("RUL.txt:2:"), std::string::npos);
  EXPECT_FALSE(ParseCmapssRul("RUL.txt", "1 2\n").ok());
}

TEST(CmapssReader, ReadsRealFd001) {
  PosixFileSystem fs;
  if (!fs.Exists(kTrainFd001)) GTEST_SKIP() << "C-MAPSS data not found at " << kTrainFd001;
  Result<CmapssUnits> units = ReadCmapssTxt(kTrainFd001, fs);
  ASSERT_TRUE(units.ok()) << units.status().message();
  EXPECT_EQ(units->readings.size(), 100u);
  size_t rows = 0;
  for (const AssetReadings& r : units->readings) rows += r.rows();
  EXPECT_EQ(rows, 20631u);
  EXPECT_EQ(units->max_cycle[0], 192);
}

}  // namespace
}  // namespace edgeloop::io
