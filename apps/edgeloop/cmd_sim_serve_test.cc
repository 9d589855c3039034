#include "edgeloop/cmd_sim_serve.h"

#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/file_system.h"
#include "base/strings.h"
#include "edgeloop/testing/capture.h"
#include "io/reading_message.h"

namespace edgeloop::app {
namespace {

TEST(SimServe, RegisterLayoutGivesEachAssetSixteenFloatSlots) {
  EXPECT_EQ(SimServeRegisterAddress(0, 0), 0);
  EXPECT_EQ(SimServeRegisterAddress(0, 9), 18);
  EXPECT_EQ(SimServeRegisterAddress(1, 0), 32);
  EXPECT_EQ(SimServeRegisterAddress(3, 2), 100);
}

TEST(SimServe, RegisterMapListsEveryAssetAndSignal) {
  const std::string yaml = SimServeRegisterMapYaml({"P001", "P002"}, {"flow", "temp"});
  EXPECT_NE(yaml.find("- {asset: P001, signal: flow, address: 0, type: float32, table: holding}\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("- {asset: P002, signal: temp, address: 34, type: float32, "
                      "table: holding}\n"),
            std::string::npos)
      << yaml;
  size_t entries = 0;
  for (std::string_view line : Split(yaml, '\n')) entries += StartsWith(line, "- {") ? 1 : 0;
  EXPECT_EQ(entries, 4u);
}

TEST(SimServe, ParsesHostPort) {
  Result<std::pair<std::string, int>> parsed = ParseHostPort("127.0.0.1:1883", "--mqtt");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->first, "127.0.0.1");
  EXPECT_EQ(parsed->second, 1883);
  Result<std::pair<std::string, int>> bad = ParseHostPort("localhost", "--mqtt");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--mqtt 'localhost'"), std::string::npos);
  EXPECT_FALSE(ParseHostPort("h:70000", "--modbus").ok());
  EXPECT_FALSE(ParseHostPort(":5020", "--modbus").ok());
}

TEST(SimServe, StepBecomesOneDecodableRowMessagePerAsset) {
  sim::SignalRow a{};
  sim::SignalRow b{};
  for (size_t j = 0; j < a.size(); ++j) {
    a[j] = static_cast<double>(j);
    b[j] = 10.0 + static_cast<double>(j);
  }
  b[3] = std::nan("");
  std::vector<std::string> signals;
  for (size_t j = 0; j < a.size(); ++j) signals.push_back("s" + std::to_string(j));
  const std::vector<SimMessage> messages =
      SimStepMessages({"P001", "P002"}, signals, {a, b}, 1767225600000);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1].topic, "edgeloop/P002/readings");
  Result<io::ReadingMessage> decoded = io::DecodeReadingMessage(messages[1].payload);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  const io::SourceRow& row = std::get<io::SourceRow>(*decoded);
  EXPECT_EQ(row.asset, "P002");
  EXPECT_EQ(row.time_ms, 1767225600000);
  EXPECT_EQ(row.signals, signals);
  EXPECT_EQ(row.values[0], 10.0);
  EXPECT_TRUE(std::isnan(row.values[3]));
}

class SimServeRun : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/el_serve_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    context_.fs = &fs_;
    context_.clock = &clock_;
    context_.out = out_.file();
    context_.err = err_.file();
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string dir_;
  PosixFileSystem fs_;
  SimulatedClock clock_{1767225600000};
  testing::Capture out_;
  testing::Capture err_;
  AppContext context_;
};

TEST_F(SimServeRun, ServesOneStepOverModbusAndWritesTheMap) {
  SimServeFlags flags;
  flags.assets = 3;
  flags.modbus = "127.0.0.1:0";
  flags.map_file = dir_ + "/map.yaml";
  flags.duration = "0s";
  ASSERT_EQ(RunSimServe(context_, flags), 0) << err_.Text();
  EXPECT_NE(out_.Text().find("modbus  127.0.0.1:"), std::string::npos) << out_.Text();
  Result<std::string> map = fs_.ReadFile(flags.map_file);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_NE(map->find("asset: P003"), std::string::npos);
  EXPECT_NE(map->find("address: " + std::to_string(SimServeRegisterAddress(2, 9))),
            std::string::npos);
}

TEST_F(SimServeRun, RejectsBadFlags) {
  SimServeFlags flags;
  EXPECT_EQ(RunSimServe(context_, flags), 2);  // neither --modbus nor --mqtt
  EXPECT_NE(err_.TakeText().find("--modbus"), std::string::npos);
  flags.modbus = "127.0.0.1:0";
  flags.speed = 0;
  EXPECT_EQ(RunSimServe(context_, flags), 2);
  flags.speed = 1;
  flags.raw_khz = 12;
  EXPECT_EQ(RunSimServe(context_, flags), 2);  // bursts need --mqtt
  EXPECT_NE(err_.TakeText().find("--raw-khz needs --mqtt"), std::string::npos);
}

TEST_F(SimServeRun, UnreachableBrokerIsAnError) {
  SimServeFlags flags;
  flags.mqtt = "127.0.0.1:1";
  flags.duration = "0s";
  EXPECT_EQ(RunSimServe(context_, flags), 5);
  EXPECT_NE(err_.Text().find("127.0.0.1:1"), std::string::npos) << err_.Text();
}

}  // namespace
}  // namespace edgeloop::app
