// The SKAB model of `edgeloop eval skab`, exported as a signed bundle and run by a real
// edgeloop-agent on a replay of the SKAB file, raises and clears its alerts at the very windows
// where the evaluation says it does.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <utility>
#include <vector>

#include "cli_fleet.h"
#include "cli_runner.h"

namespace edgeloop::cli_test {
namespace {

using nlohmann::json;

std::string Parent(const std::string& path) { return path.substr(0, path.rfind('/')); }

std::string SourceDir() { return EDGELOOP_SOURCE_DIR; }

// EDGELOOP_BIN is <build>/apps/edgeloop/edgeloop; the agent sits beside that folder.
std::string AgentBinary() {
  return Parent(Parent(EDGELOOP_BIN)) + "/edgeloop-agent/edgeloop-agent";
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

using Change = std::pair<std::string, int64_t>;  // (raised | cleared, window end)

// The alert records (kind 3) of an agent's outbox, read with Python's sqlite3 module.
std::vector<Change> OutboxAlerts(const std::string& outbox, const std::string& cwd) {
  const char* script =
      "import json, sqlite3, sys\n"
      "db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)\n"
      "rows = db.execute('SELECT body FROM records WHERE kind = 3 ORDER BY seq').fetchall()\n"
      "print(json.dumps([json.loads(r[0]) for r in rows]))\n";
  const CommandResult read = RunCommand({EDGELOOP_PYTHON, "-c", script, outbox}, cwd);
  EXPECT_EQ(read.exit_code, 0) << read.Describe();
  std::vector<Change> out;
  const json alerts = JsonOut(read);
  if (!alerts.is_array()) return out;
  for (const json& a : alerts) {
    out.emplace_back(a["state"].get<std::string>(), a["time_ms"].get<int64_t>());
  }
  return out;
}

TEST(SkabAgent, BundleRaisesAndClearsAlertsWhereTheEvaluationDoes) {
  const std::string data = SourceDir() + "/../shared/data/skab/data";
  if (!IsDirectory(data)) GTEST_SKIP() << "SKAB data not found at " << data;
  TempDir dir("skab-agent");
  ASSERT_TRUE(IsDirectory(Parent(AgentBinary())))
      << "edgeloop-agent is not built (expected " << AgentBinary() << ")";
  const CommandResult keys = RunEdgeloop({"keys", "generate", "--out", "keys/release"}, dir.path());
  ASSERT_EQ(keys.exit_code, 0) << keys.Describe();
  const CommandResult eval = RunEdgeloop({"eval", "skab", "--data", data, "--json"}, dir.path());
  ASSERT_EQ(eval.exit_code, 0) << eval.Describe();
  const json report = JsonOut(eval);
  ASSERT_TRUE(report.is_object()) << eval.Describe();

  size_t compared = 0;
  for (const std::string file : {"valve1/3", "other/9"}) {
    SCOPED_TRACE(file);
    json expected_file;
    for (const json& f : report["files"]) {
      if (f["file"] == file) expected_file = f;
    }
    ASSERT_TRUE(expected_file.is_object()) << file << " is not in the evaluation";
    std::vector<Change> expected;
    for (const json& a : expected_file["alerts"]) {
      expected.emplace_back(a["state"].get<std::string>(), a["time_ms"].get<int64_t>());
    }
    const int64_t test_from = expected_file["test_from_ms"].get<int64_t>();

    std::string asset = file;
    asset[asset.find('/')] = '-';
    const std::string bundle = asset + ".elb";
    const CommandResult exported =
        RunEdgeloop({"eval", "skab", "--data", data, "--export", file + ".csv", "--key",
                     "keys/release.key", "-o", bundle, "--json"},
                    dir.path());
    ASSERT_EQ(exported.exit_code, 0) << exported.Describe();
    EXPECT_EQ(JsonOut(exported)["threshold"].get<double>(),
              expected_file["threshold"].get<double>());

    const std::string config = asset + ".yaml";
    ASSERT_TRUE(WriteText(dir.Sub(config),
                          "device: gw1\n"
                          "data_dir: " + asset + "-data\n"
                          "trust: [keys/release.pub]\n"
                          "listen: off\n"
                          "sources:\n"
                          "  - {kind: csv_replay, format: skab, asset: " + asset +
                              ", readings: " + data + "/" + file + ".csv, speed: 0}\n"));
    const CommandResult install =
        RunCommand({AgentBinary(), "install", "--config", config, bundle}, dir.path());
    ASSERT_EQ(install.exit_code, 0) << install.Describe();
    const CommandResult run = RunCommand({AgentBinary(), "run", "--config", config}, dir.path());
    ASSERT_EQ(run.exit_code, 0) << run.Describe();

    std::vector<Change> actual;
    for (const Change& c : OutboxAlerts(dir.Sub(asset + "-data/outbox.db"), dir.path())) {
      if (c.second >= test_from) actual.push_back(c);
    }
    EXPECT_EQ(actual, expected);
    std::printf("[ skab-agent ] %s: %zu alert changes in the test part, agent and eval agree: %s\n",
                file.c_str(), expected.size(), actual == expected ? "yes" : "no");
    compared += expected.size();
  }
  EXPECT_GT(compared, 0u) << "no alert in either file: the comparison proves nothing";
}

}  // namespace
}  // namespace edgeloop::cli_test
