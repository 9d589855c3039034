#include "sim/sim_writer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "base/strings.h"
#include "base/time_format.h"

namespace edgeloop::sim {
namespace {

// A fresh folder under /tmp, removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/el_sim_writer_XXXXXX";
    const char* dir = mkdtemp(pattern);
    EXPECT_NE(dir, nullptr);
    path_ = dir ? dir : "";
  }
  ~TempDir() {
    if (!path_.empty()) std::filesystem::remove_all(path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  for (std::string_view line : Split(text, '\n')) {
    if (!line.empty()) lines.emplace_back(line);
  }
  return lines;
}

SimConfig SmallConfig() {
  SimConfig c;
  c.assets = 3;
  c.days = 4;
  c.period_ms = 30 * kMillisPerMinute;
  c.raw.rate_hz = 2000;
  c.raw.every_ms = 12 * kMillisPerHour;
  c.raw.seconds = 0.25;
  c.schedule.failures.push_back(
      {"P002", FailureMode::kImpellerWear, c.start_ms + 2 * kMillisPerDay, 2 * kMillisPerDay});
  SensorFault dropout;
  dropout.asset = "P001";
  dropout.signal = Signal::kFlow;
  dropout.kind = SensorFaultKind::kDropout;
  dropout.start_ms = c.start_ms + kMillisPerDay;
  dropout.duration_ms = 2 * kMillisPerHour;
  c.schedule.sensor_faults.push_back(dropout);
  return c;
}

TEST(WriteFleet, WritesTheDocumentedFiles) {
  PosixFileSystem fs;
  TempDir tmp;
  const std::string dir = tmp.path() + "/out";
  const SimConfig c = SmallConfig();
  FleetSummary summary;
  int progress_calls = 0;
  WriteProgress last;
  ASSERT_TRUE(WriteFleet(
                  c, dir, fs,
                  [&](const WriteProgress& p) {
                    ++progress_calls;
                    last = p;
                  },
                  &summary)
                  .ok());
  EXPECT_GT(progress_calls, 10);
  EXPECT_EQ(last.steps_done, last.steps_total);

  const std::vector<std::string> assets = Lines(*fs.ReadFile(dir + "/assets.csv"));
  ASSERT_EQ(assets.size(), 4u);
  EXPECT_EQ(assets[0], "asset,site,tags");
  EXPECT_EQ(assets[1].rfind("P001,north,site=north;model=", 0), 0u) << assets[1];

  const std::vector<std::string> readings = Lines(*fs.ReadFile(dir + "/readings.csv"));
  ASSERT_EQ(readings.size(), 1u + 4 * 48 * 3);
  EXPECT_EQ(readings[0],
            "time,asset,suction_pressure,discharge_pressure,flow,motor_current,voltage,"
            "motor_temp,bearing_temp,vib_de_rms,vib_nde_rms,speed");
  EXPECT_EQ(readings[1].rfind("2026-01-01T00:00:00Z,P001,", 0), 0u) << readings[1];
  int64_t previous_time = 0;
  int missing_flow = 0;
  for (size_t i = 1; i < readings.size(); ++i) {
    const std::vector<std::string_view> fields = Split(readings[i], ',');
    ASSERT_EQ(fields.size(), 12u) << readings[i];
    const int64_t time = *ParseTimestamp(fields[0]);
    EXPECT_GE(time, previous_time);
    EXPECT_EQ(fields[1], AssetId(static_cast<int>((i - 1) % 3)));
    previous_time = time;
    if (fields[4].empty()) ++missing_flow;
    for (size_t j = 2; j < fields.size(); ++j) {
      if (!fields[j].empty()) {
        EXPECT_LE(fields[j].size(), 9u) << readings[i];  // short numbers
      }
    }
  }
  EXPECT_EQ(missing_flow, 4);  // two hours of 30-minute samples
  EXPECT_EQ(summary.rows, 4 * 48 * 3);

  const std::vector<std::string> events = Lines(*fs.ReadFile(dir + "/events.csv"));
  EXPECT_EQ(events[0], "time,asset,kind,failure_mode");
  EXPECT_NE(
      std::find(events.begin(), events.end(), "2026-01-03T00:00:00Z,P002,failure,impeller_wear"),
      events.end());
  for (size_t i = 2; i < events.size(); ++i)
    EXPECT_LE(events[i - 1].substr(0, 20), events[i].substr(0, 20));
  EXPECT_EQ(summary.failures_by_mode.at("impeller_wear"), summary.failures);
  EXPECT_GE(summary.failures, 1);

  const std::vector<std::string> waveforms = Lines(*fs.ReadFile(dir + "/waveforms.csv"));
  ASSERT_EQ(waveforms.size(), 1u + 8 * 3);
  EXPECT_EQ(waveforms[0], "time,asset,signal,rate_hz,samples");
  EXPECT_EQ(waveforms[1].rfind("2026-01-01T00:00:00Z,P001,vib_de_raw,2000,", 0), 0u);
  EXPECT_EQ(waveforms[4].rfind("2026-01-01T12:00:00Z,P001,vib_de_raw,2000,", 0), 0u);
  const std::string samples = waveforms[1].substr(waveforms[1].rfind(',') + 1);
  EXPECT_EQ(Split(samples, ' ').size(), 500u);
  EXPECT_EQ(summary.waveforms, 24);

  const std::vector<std::string> faults = Lines(*fs.ReadFile(dir + "/sensor_faults.csv"));
  EXPECT_EQ(faults[0], "start,end,asset,signal,kind,magnitude");
  EXPECT_EQ(summary.sensor_faults, static_cast<int>(faults.size()) - 1);

  const std::vector<std::string> names = *fs.ListDir(dir);
  for (const std::string& name : names) {
    EXPECT_FALSE(EndsWith(name, ".tmp")) << name;
  }
  EXPECT_EQ(summary.files.size(), 5u);
}

TEST(WriteFleet, SameConfigGivesTheSameBytes) {
  PosixFileSystem fs;
  TempDir tmp_a, tmp_b;
  const std::string& a = tmp_a.path();
  const std::string& b = tmp_b.path();
  ASSERT_TRUE(WriteFleet(SmallConfig(), a, fs).ok());
  ASSERT_TRUE(WriteFleet(SmallConfig(), b, fs).ok());
  for (const char* name : {"readings.csv", "events.csv", "assets.csv", "waveforms.csv"}) {
    EXPECT_EQ(*fs.ReadFile(a + "/" + name), *fs.ReadFile(b + "/" + name)) << name;
  }
}

TEST(WriteFleet, FailedWriteLeavesNoPartialFiles) {
  PosixFileSystem posix;
  FaultInjectingFileSystem fs(&posix);
  TempDir tmp;
  const std::string& dir = tmp.path();
  fs.FailNthWrite(1);
  SimConfig c = SmallConfig();
  c.raw.rate_hz = 0;
  Status s = WriteFleet(c, dir, fs);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_TRUE(posix.ListDir(dir)->empty());
}

TEST(WriteFleet, BadConfigWritesNothing) {
  PosixFileSystem fs;
  TempDir tmp;
  const std::string dir = tmp.path() + "/never";
  SimConfig c = SmallConfig();
  c.period_ms = 0;
  EXPECT_EQ(WriteFleet(c, dir, fs).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs.Exists(dir));
}

}  // namespace
}  // namespace edgeloop::sim
