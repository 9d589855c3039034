#include "io/readings_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "base/random.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "io/csv_reader.h"
#include "io/internal/temp_dir.h"

namespace edgeloop::io {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

uint64_t Bits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// Values equal bit for bit, NaN included.
void ExpectSameReadings(const std::vector<AssetReadings>& a, const std::vector<AssetReadings>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].asset, b[i].asset);
    EXPECT_EQ(a[i].time_ms, b[i].time_ms);
    EXPECT_EQ(a[i].signals, b[i].signals);
    ASSERT_EQ(a[i].values.size(), b[i].values.size());
    for (size_t s = 0; s < a[i].values.size(); ++s) {
      ASSERT_EQ(a[i].values[s].size(), b[i].values[s].size());
      for (size_t r = 0; r < a[i].values[s].size(); ++r) {
        const double x = a[i].values[s][r], y = b[i].values[s][r];
        if (std::isnan(x) || std::isnan(y)) {
          EXPECT_TRUE(std::isnan(x) && std::isnan(y)) << a[i].asset << " row " << r;
        } else {
          EXPECT_EQ(Bits(x), Bits(y)) << a[i].asset << " " << a[i].signals[s] << " row " << r;
        }
      }
    }
  }
}

class ReadingsFiles : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.File(name);
    EXPECT_TRUE(fs_.WriteFileAtomic(path, text).ok());
    return path;
  }
  // The error message of reading `text` as a file named readings.csv.
  std::string ErrorOf(const std::string& text) {
    const std::string path = Write("readings.csv", text);
    Result<std::vector<AssetReadings>> read = ReadReadingsCsv(path, fs_);
    if (read.ok()) return "no error";
    EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument);
    const std::string& message = read.status().message();
    return StartsWith(message, dir_.path() + "/") ? message.substr(dir_.path().size() + 1)
                                                  : message;
  }

  internal::TempDir dir_;
  PosixFileSystem fs_;
};

const char kWide[] =
    "time,asset,temp,flow\n"
    "2026-01-01T00:00:00Z,P002,40.5,\n"
    "2026-01-01T00:00:00Z,P001,41,120.25\n"
    "2026-01-01T00:10:00Z,P002,nan,119\n"
    "2026-01-01T00:10:00Z,P001,41.5,NA\n"
    "2026-01-01T00:20:00Z,P001,42,118.5\n";

const char kLong[] =
    "time,asset,signal,value\n"
    "2026-01-01T00:00:00Z,P001,temp,41\n"
    "2026-01-01T00:00:00Z,P001,flow,120.25\n"
    "2026-01-01T00:00:00Z,P002,temp,40.5\n"
    "2026-01-01T00:10:00Z,P002,flow,119\n"
    "2026-01-01T00:10:00Z,P001,temp,41.5\n"
    "2026-01-01T00:10:00Z,P002,temp,\n"
    "2026-01-01T00:20:00Z,P001,flow,118.5\n"
    "2026-01-01T00:20:00Z,P001,temp,42\n";

TEST_F(ReadingsFiles, WideAndLongLayoutsGiveTheSameReadingsAndDigest) {
  Result<std::vector<AssetReadings>> wide = ReadReadingsCsv(Write("wide.csv", kWide), fs_);
  Result<std::vector<AssetReadings>> lng = ReadReadingsCsv(Write("long.csv", kLong), fs_);
  ASSERT_TRUE(wide.ok()) << wide.status().ToString();
  ASSERT_TRUE(lng.ok()) << lng.status().ToString();
  ExpectSameReadings(*wide, *lng);
  EXPECT_EQ(ReadingsDigest(*wide), ReadingsDigest(*lng));
}

TEST_F(ReadingsFiles, GroupsInterleavedAssetsSortedById) {
  Result<std::vector<AssetReadings>> read = ReadReadingsCsv(Write("wide.csv", kWide), fs_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 2u);
  const AssetReadings& p1 = (*read)[0];
  const AssetReadings& p2 = (*read)[1];
  EXPECT_EQ(p1.asset, "P001");
  EXPECT_EQ(p2.asset, "P002");
  const int64_t t0 = *ParseTimestamp("2026-01-01T00:00:00Z");
  EXPECT_EQ(p1.time_ms, (std::vector<int64_t>{t0, t0 + 600000, t0 + 1200000}));
  EXPECT_EQ(p2.time_ms, (std::vector<int64_t>{t0, t0 + 600000}));
  EXPECT_EQ(p1.signals, (std::vector<std::string>{"temp", "flow"}));
  EXPECT_EQ(p1.values[0], (std::vector<double>{41, 41.5, 42}));
  EXPECT_EQ(p1.values[1][0], 120.25);
}

TEST_F(ReadingsFiles, EmptyNanAndNaValuesAreMissing) {
  Result<std::vector<AssetReadings>> read = ReadReadingsCsv(Write("wide.csv", kWide), fs_);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(std::isnan((*read)[1].values[1][0]));  // empty
  EXPECT_TRUE(std::isnan((*read)[1].values[0][1]));  // nan
  EXPECT_TRUE(std::isnan((*read)[0].values[1][1]));  // NA
  EXPECT_FALSE(std::isnan((*read)[0].values[1][2]));
}

TEST_F(ReadingsFiles, LongLayoutGivesEveryAssetTheUnionOfSignals) {
  const std::string text =
      "time,asset,signal,value\n"
      "2026-01-01T00:00:00Z,A,temp,1\n"
      "2026-01-01T00:00:00Z,B,vib,2\n";
  Result<std::vector<AssetReadings>> read = ReadReadingsCsv(Write("long.csv", text), fs_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 2u);
  for (const AssetReadings& a : *read) {
    EXPECT_EQ(a.signals, (std::vector<std::string>{"temp", "vib"}));
    ASSERT_EQ(a.values.size(), 2u);
    EXPECT_EQ(a.values[0].size(), 1u);
    EXPECT_EQ(a.values[1].size(), 1u);
  }
  EXPECT_EQ((*read)[0].values[0][0], 1);
  EXPECT_TRUE(std::isnan((*read)[0].values[1][0]));
  EXPECT_TRUE(std::isnan((*read)[1].values[0][0]));
  EXPECT_EQ((*read)[1].values[1][0], 2);
}

TEST_F(ReadingsFiles, ReadsQuotedFieldsAndCrlf) {
  const std::string text =
      "time,\"asset\",temp\r\n"
      "\"2026-01-01T00:00:00Z\",\"P,1\",\"1.25\"\r\n"
      "2026-01-01T00:00:01Z,\"P,1\",2\r\n";
  Result<std::vector<AssetReadings>> read = ReadReadingsCsv(Write("q.csv", text), fs_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].asset, "P,1");
  EXPECT_EQ((*read)[0].values[0], (std::vector<double>{1.25, 2}));
}

TEST_F(ReadingsFiles, FieldCountErrorNamesFileAndLine) {
  EXPECT_EQ(ErrorOf("time,asset,a,b\n2026-01-01,P1,1,2\n2026-01-02,P1,1\n"),
            "readings.csv:3: expected 4 fields, found 3");
}

TEST_F(ReadingsFiles, BadNumberIsAnError) {
  EXPECT_EQ(ErrorOf("time,asset,temp\n2026-01-01,P1,1\n2026-01-02,P1,12,5x\n").substr(0, 15),
            "readings.csv:3:");
  EXPECT_EQ(ErrorOf("time,asset,temp\n2026-01-01,P1,1\n2026-01-02,P1,abc\n"),
            "readings.csv:3: signal temp: 'abc' is not a number");
}

TEST_F(ReadingsFiles, BadTimeIsAnError) {
  EXPECT_EQ(ErrorOf("time,asset,temp\n2026-01-01,P1,1\n2026-13-01,P1,2\n"),
            "readings.csv:3: column time: '2026-13-01' is not a timestamp "
            "(expected e.g. 2026-01-01T00:00:00Z)");
}

TEST_F(ReadingsFiles, EmptyAssetIsAnError) {
  EXPECT_EQ(ErrorOf("time,asset,temp\n2026-01-01,P1,1\n2026-01-02, ,2\n"),
            "readings.csv:3: empty asset");
}

TEST_F(ReadingsFiles, DuplicatedTimestampNamesBothLines) {
  EXPECT_EQ(ErrorOf("time,asset,temp\n"
                    "2026-01-01T00:10:00Z,P003,1\n"
                    "2026-01-01T00:10:00Z,P001,1\n"
                    "2026-01-01T00:10:00Z,P003,2\n"),
            "readings.csv:4: duplicated timestamp 2026-01-01T00:10:00Z for asset P003 "
            "(first seen on line 2)");
}

TEST_F(ReadingsFiles, OutOfOrderTimestampIsAnError) {
  EXPECT_EQ(ErrorOf("time,asset,temp\n"
                    "2026-01-01T00:10:00Z,P003,1\n"
                    "2026-01-01T00:00:00Z,P001,1\n"
                    "2026-01-01T00:05:00Z,P003,2\n"),
            "readings.csv:4: timestamp 2026-01-01T00:05:00Z of asset P003 is out of order: "
            "before 2026-01-01T00:10:00Z on line 2");
}

TEST_F(ReadingsFiles, LongLayoutRejectsAReadingGivenTwice) {
  EXPECT_EQ(ErrorOf("time,asset,signal,value\n"
                    "2026-01-01T00:00:00Z,P1,temp,1\n"
                    "2026-01-01T00:00:00Z,P1,flow,1\n"
                    "2026-01-01T00:00:00Z,P1,temp,2\n"),
            "readings.csv:4: duplicated reading of signal temp at 2026-01-01T00:00:00Z for "
            "asset P1 (first seen on line 2)");
}

TEST_F(ReadingsFiles, LongLayoutRejectsOutOfOrderTimestamps) {
  EXPECT_EQ(ErrorOf("time,asset,signal,value\n"
                    "2026-01-01T00:10:00Z,P1,temp,1\n"
                    "2026-01-01T00:00:00Z,P1,flow,1\n"),
            "readings.csv:3: timestamp 2026-01-01T00:00:00Z of asset P1 is out of order: "
            "before 2026-01-01T00:10:00Z on line 2");
}

TEST_F(ReadingsFiles, UnknownHeaderIsAnError) {
  EXPECT_EQ(ErrorOf("when,pump,temp\n2026-01-01,P1,1\n").substr(0, 48),
            "readings.csv:1: expected a readings header 'time");
  EXPECT_EQ(ErrorOf("time,asset,temp,temp\n"), "readings.csv:1: signal 'temp' appears twice");
}

TEST_F(ReadingsFiles, MissingFileIsNotFound) {
  Result<std::vector<AssetReadings>> read = ReadReadingsCsv(dir_.File("none.csv"), fs_);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kNotFound);
}

TEST_F(ReadingsFiles, FiltersSignalsAssetsAndTimeRange) {
  ReadOptions options;
  options.signals = {"flow"};
  options.assets = {"P001"};
  options.start_ms = *ParseTimestamp("2026-01-01T00:10:00Z");
  options.end_ms = *ParseTimestamp("2026-01-01T00:20:00Z");
  for (const char* text : {kWide, kLong}) {
    Result<std::vector<AssetReadings>> read =
        ReadReadingsCsv(Write("filtered.csv", text), fs_, options);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ASSERT_EQ(read->size(), 1u);
    EXPECT_EQ((*read)[0].asset, "P001");
    EXPECT_EQ((*read)[0].signals, (std::vector<std::string>{"flow"}));
    EXPECT_EQ((*read)[0].time_ms, (std::vector<int64_t>{*options.start_ms}));
    ASSERT_EQ((*read)[0].values.size(), 1u);
    EXPECT_TRUE(std::isnan((*read)[0].values[0][0]));
  }
  options = ReadOptions();
  options.signals = {"pressure"};
  Result<std::vector<AssetReadings>> read = ReadReadingsCsv(Write("w.csv", kWide), fs_, options);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("signal 'pressure' is not in the file"),
            std::string::npos);
}

TEST_F(ReadingsFiles, FilteredOutRowsAreStillChecked) {
  ReadOptions options;
  options.assets = {"P001"};
  const std::string path =
      Write("bad.csv", "time,asset,temp\n2026-01-01,P001,1\n2026-01-01,P002,x\n");
  EXPECT_FALSE(ReadReadingsCsv(path, fs_, options).ok());
}

// A mix of values whose shortest text is long, tiny, huge, negative zero, subnormal and missing.
std::vector<AssetReadings> AwkwardReadings(uint64_t seed) {
  Random random(seed);
  std::vector<AssetReadings> out(3);
  const char* ids[] = {"P010", "P002", "P007"};
  for (size_t a = 0; a < out.size(); ++a) {
    out[a].asset = ids[a];
    out[a].signals = {"temp", "flow", "vib_rms"};
    out[a].values.resize(3);
    int64_t t = *ParseTimestamp("2026-01-01T00:00:00Z") + static_cast<int64_t>(a) * 250;
    for (int r = 0; r < 200; ++r) {
      out[a].time_ms.push_back(t);
      t += 1000 + random.UniformInt(0, 3) * 500;  // assets interleave at different paces
      out[a].values[0].push_back(random.Normal(60, 5));
      out[a].values[1].push_back(r % 17 == 0 ? kNaN : random.Uniform(0, 1e-300) * 1e-10);
      const double specials[] = {0.1 + 0.2, -0.0, 1e308, 5e-324, -123456789.125, 1.0 / 3};
      out[a].values[2].push_back(specials[r % 6] * (1 + random.Uniform()));
    }
  }
  return out;
}

TEST_F(ReadingsFiles, WritingThenReadingIsBitIdentical) {
  std::vector<AssetReadings> original = AwkwardReadings(42);
  const std::string path = dir_.File("round.csv");
  ASSERT_TRUE(WriteReadingsCsv(original, path, fs_).ok());
  Result<std::vector<AssetReadings>> read = ReadReadingsCsv(path, fs_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  std::sort(original.begin(), original.end(),
            [](const AssetReadings& a, const AssetReadings& b) { return a.asset < b.asset; });
  ExpectSameReadings(original, *read);
  EXPECT_EQ(ReadingsDigest(original), ReadingsDigest(*read));
}

TEST_F(ReadingsFiles, WriterOrdersRowsByTimeThenAsset) {
  std::vector<AssetReadings> readings(2);
  readings[0] = {"P2", {0, 1000}, {"temp"}, {{1.5, kNaN}}};
  readings[1] = {"P1", {1000, 2000}, {"temp", "flow"}, {{2, 3}, {0.1, 1e-7}}};
  Result<std::string> text = FormatReadingsCsv(readings);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text,
            "time,asset,temp,flow\n"
            "1970-01-01T00:00:00Z,P2,1.5,\n"
            "1970-01-01T00:00:01Z,P1,2,0.1\n"
            "1970-01-01T00:00:01Z,P2,,\n"
            "1970-01-01T00:00:02Z,P1,3,1e-07\n");
}

TEST_F(ReadingsFiles, WriterWritesNumbersAsFormatDouble) {
  const std::vector<double> values = {0.1 + 0.2, -0.0, 5e-324, 1e308 * 10, -1e308 * 10,
                                      -123456789.125, 1.0 / 3, 1e21, 123456789012345678.0};
  std::vector<AssetReadings> readings(1);
  readings[0].asset = "P1";
  readings[0].signals = {"x"};
  readings[0].values.resize(1);
  std::string expected = "time,asset,x\n";
  for (size_t i = 0; i < values.size(); ++i) {
    readings[0].time_ms.push_back(static_cast<int64_t>(i) * 1000);
    readings[0].values[0].push_back(values[i]);
    expected += FormatTimestamp(static_cast<int64_t>(i) * 1000) + ",P1," +
                FormatDouble(values[i]) + "\n";
  }
  Result<std::string> text = FormatReadingsCsv(readings);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, expected);
}

TEST_F(ReadingsFiles, WriterRefusesUnorderedTimestampsAndLeavesTheFileAlone) {
  const std::string path = Write("keep.csv", "untouched");
  std::vector<AssetReadings> readings(1);
  readings[0] = {"P1", {1000, 1000}, {"temp"}, {{1, 2}}};
  Status status = WriteReadingsCsv(readings, path, fs_);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("is not after the previous one"), std::string::npos);
  EXPECT_EQ(*fs_.ReadFile(path), "untouched");
}

TEST(ReadingsDigest, OneChangedValueChangesIt) {
  std::vector<AssetReadings> readings = AwkwardReadings(7);
  const std::string before = ReadingsDigest(readings);
  EXPECT_EQ(before.size(), 64u);
  EXPECT_EQ(ReadingsDigest(AwkwardReadings(7)), before);
  readings[1].values[0][57] = std::nextafter(readings[1].values[0][57], 1e9);
  EXPECT_NE(ReadingsDigest(readings), before);
  readings = AwkwardReadings(7);
  readings[2].time_ms[10] += 1;
  EXPECT_NE(ReadingsDigest(readings), before);
  readings = AwkwardReadings(7);
  readings[0].values[1][0] = 0;  // a missing value becomes a reading
  EXPECT_NE(ReadingsDigest(readings), before);
}

TEST(ReadingsDigest, IgnoresAssetAndColumnOrder) {
  std::vector<AssetReadings> readings = AwkwardReadings(3);
  const std::string before = ReadingsDigest(readings);
  std::swap(readings[0], readings[2]);
  std::swap(readings[1].signals[0], readings[1].signals[2]);
  std::swap(readings[1].values[0], readings[1].values[2]);
  EXPECT_EQ(ReadingsDigest(readings), before);
}

// A by-hand measurement of reading a large wide file (2.6 M rows x 10 signals, about 250 MB):
//   el_io_tests --gtest_also_run_disabled_tests --gtest_filter='*LargeWideFile*'
TEST_F(ReadingsFiles, DISABLED_ReadsLargeWideFile) {
  constexpr int kAssets = 20;
  constexpr int kRows = 2'600'000;
  Random random(1);
  std::string text = "time,asset";
  for (int s = 0; s < 10; ++s) text += ",signal_" + std::to_string(s);
  text += '\n';
  const int64_t t0 = *ParseTimestamp("2026-01-01T00:00:00Z");
  for (int r = 0; r < kRows; ++r) {
    text += FormatTimestamp(t0 + (r / kAssets) * 1000);
    text += ",P";
    text += std::to_string(100 + r % kAssets);
    for (int s = 0; s < 10; ++s) {
      text += ',';
      text += FormatDouble(std::round(random.Normal(50, 10) * 1e3) / 1e3);
    }
    text += '\n';
  }
  const std::string path = Write("large.csv", text);
  std::printf("file: %.1f MB\n", static_cast<double>(text.size()) / 1e6);
  text.clear();
  text.shrink_to_fit();
  auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  const auto scan_start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<CsvReader>> scan = CsvReader::OpenFile(path);
  ASSERT_TRUE(scan.ok());
  size_t fields = 0;
  while (*(*scan)->Next()) fields += (*scan)->size();
  EXPECT_EQ(fields, static_cast<size_t>(kRows) * 12);
  std::printf("CsvReader::OpenFile scan %.2f s\n",
              seconds(scan_start, std::chrono::steady_clock::now()));
  const auto load_start = std::chrono::steady_clock::now();
  EXPECT_TRUE(fs_.ReadFile(path).ok());
  std::printf("FileSystem::ReadFile %.2f s\n",
              seconds(load_start, std::chrono::steady_clock::now()));
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<AssetReadings>> read = ReadReadingsCsv(path, fs_);
  const auto read_done = std::chrono::steady_clock::now();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const std::string digest = ReadingsDigest(*read);
  const auto digest_done = std::chrono::steady_clock::now();
  ASSERT_TRUE(WriteReadingsCsv(*read, dir_.File("large_out.csv"), fs_).ok());
  const auto write_done = std::chrono::steady_clock::now();
  size_t rows = 0;
  for (const AssetReadings& a : *read) rows += a.rows();
  EXPECT_EQ(rows, static_cast<size_t>(kRows));
  std::printf("read %.2f s, digest %.2f s, write %.2f s\n", seconds(start, read_done),
              seconds(read_done, digest_done), seconds(digest_done, write_done));
}

}  // namespace
}  // namespace edgeloop::io
