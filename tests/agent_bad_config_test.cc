// edgeloop-agent refuses a bad configuration before it does anything — exit 2 with
// "<file>:<line>: <what was expected>" — and a second agent on a data dir that one already runs
// on exits 7.
#include <gtest/gtest.h>
#include <signal.h>

#include "agent_runner.h"
#include "cli_fleet.h"

namespace edgeloop::cli_test {
namespace {

class AgentBadConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    const CommandResult keys =
        RunEdgeloop({"keys", "generate", "--out", "keys/release"}, dir_.path());
    ASSERT_EQ(keys.exit_code, 0) << keys.Describe();
    ASSERT_TRUE(WriteText(dir_.Sub("readings.csv"),
                          "time,asset,bearing_temp\n"
                          "2026-01-01T00:00:00Z,P001,50\n"
                          "2026-01-01T00:10:00Z,P001,51\n"));
  }
  // `edgeloop-agent run` with `yaml` as <name>.yaml.
  CommandResult RunWith(const std::string& name, const std::string& yaml) {
    EXPECT_TRUE(WriteText(dir_.Sub(name + ".yaml"), yaml));
    return RunAgent({"run", "--config", name + ".yaml"}, dir_.path());
  }
  static std::string Head() {
    return "device: gw1\n"
           "data_dir: agent-data\n"
           "trust: [keys/release.pub]\n"
           "listen: off\n";
  }

  TempDir dir_{"agent-config"};
};

TEST_F(AgentBadConfig, UnknownKeyIsRefusedNamingFileAndLine) {
  const CommandResult run =
      RunWith("unknown-key", Head() +
                                 "sample_rate: 3\n"
                                 "sources:\n"
                                 "  - {kind: csv_replay, readings: readings.csv}\n");
  EXPECT_EQ(run.exit_code, 2) << run.Describe();
  EXPECT_NE(run.err.find("unknown-key.yaml:5: sample_rate: unknown key"), std::string::npos)
      << run.Describe();
  EXPECT_EQ(CountFiles(dir_.Sub("agent-data")), 0u) << "a refused config created files";
}

TEST_F(AgentBadConfig, UnknownSourceKindIsRefusedNamingFileAndLine) {
  const CommandResult run =
      RunWith("bad-kind", Head() +
                              "sources:\n"
                              "  - {kind: csv_replay, readings: readings.csv}\n"
                              "  - {kind: opcua, host: 10.0.0.5}\n");
  EXPECT_EQ(run.exit_code, 2) << run.Describe();
  EXPECT_NE(run.err.find("bad-kind.yaml:7: sources[1].kind: unknown source kind 'opcua'"),
            std::string::npos)
      << run.Describe();
}

TEST_F(AgentBadConfig, SourceWithAMalformedReadingsFileIsRefusedNamingBothFiles) {
  ASSERT_TRUE(WriteText(dir_.Sub("broken.csv"),
                        "time,asset,bearing_temp\n"
                        "2026-01-01T00:00:00Z,P001,50\n"
                        "yesterday,P001,51\n"));
  const CommandResult run =
      RunWith("bad-source", Head() +
                                "sources:\n"
                                "  - {kind: csv_replay, readings: broken.csv}\n");
  EXPECT_EQ(run.exit_code, 2) << run.Describe();
  EXPECT_NE(run.err.find("bad-source.yaml:6: csv_replay source"), std::string::npos)
      << run.Describe();
  EXPECT_NE(run.err.find("broken.csv:3"), std::string::npos) << run.Describe();
}

TEST_F(AgentBadConfig, SecondAgentOnTheSameDataDirExits7) {
  ASSERT_TRUE(
      WriteText(dir_.Sub("agent.yaml"),
                Head() + "sources:\n  - {kind: csv_replay, readings: readings.csv, speed: 1}\n"));
  std::unique_ptr<AgentProcess> first =
      AgentProcess::Start({"run", "--config", "agent.yaml"}, dir_.path());
  ASSERT_NE(first, nullptr);
  // The first line is printed once the agent holds its data dir.
  ASSERT_TRUE(WaitUntil(
      [&] { return first->Out().find('\n') != std::string::npos || !first->Running(); }, 20'000));
  ASSERT_TRUE(first->Running()) << first->Describe();

  const CommandResult second = RunAgent({"run", "--config", "agent.yaml"}, dir_.path());
  EXPECT_EQ(second.exit_code, 7) << second.Describe();
  EXPECT_NE(second.err.find("another edgeloop-agent is running on"), std::string::npos)
      << second.Describe();
  EXPECT_TRUE(first->Running()) << first->Describe();

  first->Signal(SIGTERM);
  EXPECT_EQ(first->WaitExit(20'000), 0) << first->Describe();
}

}  // namespace
}  // namespace edgeloop::cli_test
