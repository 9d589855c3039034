#include "agent_workspace.h"

#include <gtest/gtest.h>

#include "base/sha256.h"
#include "cli_fleet.h"
#include "cli_runner.h"

namespace edgeloop::cli_test {
namespace {

// `edgeloop <args>` in `dir`; false (and a test failure naming the command) when it fails.
bool Step(const std::vector<std::string>& args, const std::string& dir) {
  const CommandResult result = RunEdgeloop(args, dir);
  if (result.exit_code != 0) {
    ADD_FAILURE() << result.Describe();
    return false;
  }
  return true;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "train config has no '" << from << "'";
    return text;
  }
  return text.replace(at, from.size(), to);
}

}  // namespace

AgentWorkspace BuildAgentWorkspace(const std::string& dir) {
  AgentWorkspace ws;
  ws.dir = dir;
  const SimulatedFleet fleet = SimulateFleet(dir, SmallFleetFlags());
  if (fleet.sim.exit_code != 0) {
    ADD_FAILURE() << fleet.sim.Describe();
    return ws;
  }
  const std::string v1_config = SmallTrainConfig("  dir: fleet\n");
  const std::string v2_config =
      Replace(Replace(v1_config, "num_rounds: 40", "num_rounds: 60"), "seed: 7", "seed: 11");
  const std::vector<std::string> build = {"bundle", "build", "--model", "pump-failure@challenger",
                                          "--home", "home",  "--key"};
  auto bundle = [&](const std::string& key, const std::string& out) {
    std::vector<std::string> args = build;
    args.insert(args.end(), {key, "-o", out});
    return Step(args, dir);
  };
  if (!WriteText(dir + "/train-v1.yaml", v1_config) ||
      !WriteText(dir + "/train-v2.yaml", v2_config) ||
      !Step({"keys", "generate", "--out", "keys/release"}, dir) ||
      !Step({"keys", "generate", "--out", "keys/other"}, dir) ||
      !Step({"train", "--config", "train-v1.yaml", "--home", "home"}, dir) ||
      !bundle("keys/release.key", ws.v1) ||
      !Step({"train", "--config", "train-v2.yaml", "--home", "home"}, dir) ||
      !bundle("keys/release.key", ws.v2) || !bundle("keys/other.key", ws.other_signer)) {
    return ws;
  }
  ws.v1_digest = Sha256Hex(ReadText(dir + "/" + ws.v1));
  ws.v2_digest = Sha256Hex(ReadText(dir + "/" + ws.v2));
  ws.ready = ws.v1_digest != ws.v2_digest;
  EXPECT_TRUE(ws.ready) << "versions 1 and 2 gave the same bundle";
  return ws;
}

std::string AgentYaml(const std::string& data_dir, const std::string& sources, bool listen,
                      const std::string& extra) {
  return "device: gw1\n"
         "data_dir: " +
         data_dir +
         "\n"
         "trust: [keys/release.pub]\n"
         "listen: " +
         std::string(listen ? "127.0.0.1:0" : "off") + "\n" + extra + "sources:\n" + sources;
}

std::string ReplaySource(const std::string& speed, const std::string& extra_fields) {
  return "  - {kind: csv_replay, readings: fleet/readings.csv, speed: " + speed + extra_fields +
         "}\n";
}

}  // namespace edgeloop::cli_test
