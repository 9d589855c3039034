#include "io/waveforms_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "base/random.h"
#include "base/time_format.h"
#include "io/internal/temp_dir.h"

namespace edgeloop::io {
namespace {

class WaveformFiles : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.File(name);
    EXPECT_TRUE(fs_.WriteFileAtomic(path, text).ok());
    return path;
  }
  internal::TempDir dir_;
  PosixFileSystem fs_;
};

TEST_F(WaveformFiles, ReadsWaveformsSortedByTimeAssetSignal) {
  Result<std::vector<Waveform>> read =
      ReadWaveformsCsv(Write("waveforms.csv",
                             "time,asset,signal,rate_hz,samples\n"
                             "2026-01-01T00:01:00Z,P1,vib_x,12000,0.5 -0.25  1e-3\n"
                             "2026-01-01T00:00:00Z,P2,vib_x,25600,1\n"
                             "2026-01-01T00:00:00Z,P1,vib_y,12000,2 3\r\n"),
                       fs_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 3u);
  EXPECT_EQ((*read)[0].asset, "P1");
  EXPECT_EQ((*read)[0].signal, "vib_y");
  EXPECT_EQ((*read)[0].samples, (std::vector<float>{2, 3}));
  EXPECT_EQ((*read)[1].asset, "P2");
  EXPECT_EQ((*read)[1].rate_hz, 25600);
  EXPECT_EQ((*read)[2].start_ms, *ParseTimestamp("2026-01-01T00:01:00Z"));
  EXPECT_EQ((*read)[2].samples, (std::vector<float>{0.5f, -0.25f, 1e-3f}));
}

TEST_F(WaveformFiles, MalformedLinesNameFileAndLine) {
  const std::string header = "time,asset,signal,rate_hz,samples\n";
  const std::string ok = "2026-01-01,P1,vib,100,1 2\n";
  const std::pair<std::string, std::string> cases[] = {
      {"2026-01-01,P1,vib,100,1 x 3\n", ":3: sample 2 'x' is not a finite number"},
      {"2026-01-01,P1,vib,100,1 nan\n", ":3: sample 2 'nan' is not a finite number"},
      {"2026-01-01,P1,vib,-5,1\n", ":3: column rate_hz: rate_hz must be a positive number, got -5"},
      {"2026-01-01,P1,vib,100,\n", ":3: no samples"},
      {"2026-01-01,P1,vib,100\n", ":3: expected 5 fields, found 4"},
      {"2026-01-01,P1,vib,100,3\n",
       ":3: duplicated waveform of signal vib at 2026-01-01T00:00:00Z for asset P1 (first seen on "
       "line 2)"},
  };
  for (const auto& [body, expected] : cases) {
    Result<std::vector<Waveform>> read = ReadWaveformsCsv(Write("w.csv", header + ok + body), fs_);
    ASSERT_FALSE(read.ok()) << body;
    EXPECT_EQ(read.status().message(), dir_.File("w.csv") + expected);
  }
}

TEST_F(WaveformFiles, WritingThenReadingIsBitIdentical) {
  Random random(11);
  std::vector<Waveform> waveforms(2);
  waveforms[0] = {"P7", "vib_x", *ParseTimestamp("2026-01-01T00:00:00.125Z"), 12000, {}};
  waveforms[1] = {"P3", "vib_x", *ParseTimestamp("2026-01-01T00:00:00Z"), 25.6, {}};
  for (Waveform& w : waveforms) {
    for (int i = 0; i < 5000; ++i) w.samples.push_back(static_cast<float>(random.Normal(0, 0.3)));
    w.samples.push_back(1e-40f);  // subnormal
    w.samples.push_back(-0.0f);
  }
  const std::string path = dir_.File("out.csv");
  ASSERT_TRUE(WriteWaveformsCsv(waveforms, path, fs_).ok());
  Result<std::vector<Waveform>> read = ReadWaveformsCsv(path, fs_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 2u);
  const Waveform* expected[] = {&waveforms[1], &waveforms[0]};
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*read)[i].asset, expected[i]->asset);
    EXPECT_EQ((*read)[i].start_ms, expected[i]->start_ms);
    EXPECT_EQ((*read)[i].rate_hz, expected[i]->rate_hz);
    ASSERT_EQ((*read)[i].samples.size(), expected[i]->samples.size());
    EXPECT_EQ(std::memcmp((*read)[i].samples.data(), expected[i]->samples.data(),
                          expected[i]->samples.size() * sizeof(float)),
              0);
  }
}

TEST_F(WaveformFiles, ReadsOneColumnFileWithGivenRateAndStart) {
  SampleColumnOptions options;
  options.asset = "P1";
  options.rate_hz = 12000;
  options.start_ms = 5000;
  Result<Waveform> read =
      ReadSampleColumnCsv(Write("col.csv", "accel_g\n0.5\r\n-0.083004\n\n1e-2\n"), fs_, options);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->signal, "accel_g");
  EXPECT_EQ(read->asset, "P1");
  EXPECT_EQ(read->start_ms, 5000);
  EXPECT_EQ(read->samples, (std::vector<float>{0.5f, -0.083004f, 0.01f}));

  Result<Waveform> bad = ReadSampleColumnCsv(Write("bad.csv", "accel_g\n1\n2,3\n"), fs_, options);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), dir_.File("bad.csv") + ":3: expected 1 fields, found 2");
  options.rate_hz = 0;
  EXPECT_FALSE(ReadSampleColumnCsv(Write("c.csv", "accel_g\n1\n"), fs_, options).ok());
}

TEST(ReadSampleColumnCsv, ReadsCwruInnerRaceFile) {
  const std::string dir = std::string(EDGELOOP_SOURCE_DIR) + "/../shared/data/cwru";
  PosixFileSystem fs;
  if (!fs.IsDirectory(dir)) GTEST_SKIP() << "CWRU data not found at " << dir;
  SampleColumnOptions options;
  options.asset = "cwru-IR-7";
  options.rate_hz = 12000;
  Result<Waveform> read = ReadSampleColumnCsv(dir + "/1797rpm_IR_7_DE12k.csv", fs, options);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->signal, "accel_g");
  EXPECT_EQ(read->samples.size(), 121265u);  // files.csv lists 121,265 samples, about 10 s
  EXPECT_NEAR(read->samples.size() / read->rate_hz, 10.1, 0.1);
  EXPECT_FLOAT_EQ(read->samples[0], -0.083004f);
  double sum_squares = 0;
  for (float s : read->samples) sum_squares += static_cast<double>(s) * s;
  const double rms = std::sqrt(sum_squares / read->samples.size());
  EXPECT_GT(rms, 0.05);  // an inner-race fault vibrates well above the noise floor
  EXPECT_LT(rms, 5.0);
}

}  // namespace
}  // namespace edgeloop::io
