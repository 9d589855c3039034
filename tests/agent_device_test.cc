// One device's bundles and its local API, through the real edgeloop-agent: installing newer and
// older bundles, refusing tampered, untrusted and missing ones without touching the device's
// state, a running agent switching to a freshly installed bundle, and GET /healthz, GET /metrics
// and POST /v1/score on a running agent.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>

#include "agent_runner.h"
#include "agent_workspace.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "cli_fleet.h"

namespace edgeloop::cli_test {
namespace {

using nlohmann::json;

constexpr int64_t kStartMs = 20'000;   // bound on an agent coming up
constexpr int64_t kSwitchMs = 20'000;  // bound on a running agent noticing an install

class AgentDevice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new TempDir("agent-device");
    workspace_ = new AgentWorkspace(BuildAgentWorkspace(root_->path()));
  }
  static void TearDownTestSuite() {
    delete workspace_;
    delete root_;
    workspace_ = nullptr;
    root_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(workspace_->ready) << "the workspace could not be built"; }
  static std::string Dir() { return root_->path(); }

  // A config named after the test's data dir; a real-time replay keeps a running agent up.
  static std::string Config(const std::string& data_dir, bool listen = false) {
    const std::string config = data_dir + ".yaml";
    EXPECT_TRUE(WriteText(Dir() + "/" + config, AgentYaml(data_dir, ReplaySource("1"), listen)));
    return config;
  }
  static CommandResult Install(const std::string& config, const std::string& file,
                               bool rollback = false) {
    std::vector<std::string> args = {"install", "--config", config, file};
    if (rollback) args.push_back("--rollback");
    return RunAgent(args, Dir());
  }
  static std::string ActiveDigest(const std::string& config) {
    const CommandResult status = RunAgent({"status", "--config", config, "--json"}, Dir());
    EXPECT_EQ(status.exit_code, 0) << status.Describe();
    const json doc = JsonOut(status);
    return doc.is_object() ? doc["bundles"].value("active", "") : "";
  }
  // The digest /healthz reports ("" when it does not answer 200 with a bundle).
  static std::string HealthDigest(int port) {
    const HttpResult health = HttpGet(port, "/healthz");
    if (health.status != 200) return "";
    const json doc = json::parse(health.body, nullptr, false);
    if (!doc.is_object() || !doc["bundle"].is_object()) return "";
    return doc["bundle"].value("digest", "");
  }
  // The value of an unlabelled Prometheus sample; -1 when it is not there.
  static int64_t MetricValue(const std::string& text, const std::string& name) {
    for (const std::string& line : SplitLines(text)) {
      if (!StartsWith(line, name + " ")) continue;
      Result<int64_t> value = ParseInt(line.substr(name.size() + 1));
      return value.ok() ? *value : -1;
    }
    return -1;
  }

  static TempDir* root_;
  static AgentWorkspace* workspace_;
};

TempDir* AgentDevice::root_ = nullptr;
AgentWorkspace* AgentDevice::workspace_ = nullptr;

TEST_F(AgentDevice, InstallsNewerBundlesAndGoesBackOnlyAsARollback) {
  const std::string config = Config("versions");
  const CommandResult v1 = Install(config, "v1.elb");
  ASSERT_EQ(v1.exit_code, 0) << v1.Describe();
  EXPECT_NE(v1.out.find("installed pump-failure v1"), std::string::npos) << v1.Describe();
  const CommandResult v2 = Install(config, "v2.elb");
  ASSERT_EQ(v2.exit_code, 0) << v2.Describe();
  EXPECT_EQ(ActiveDigest(config), workspace_->v2_digest);

  const CommandResult older = Install(config, "v1.elb");
  EXPECT_EQ(older.exit_code, 7) << older.Describe();
  EXPECT_NE(older.err.find("pump-failure v1"), std::string::npos) << older.Describe();
  EXPECT_NE(older.err.find("older than the running v2"), std::string::npos) << older.Describe();
  EXPECT_EQ(ActiveDigest(config), workspace_->v2_digest);

  const CommandResult rollback = Install(config, "v1.elb", /*rollback=*/true);
  ASSERT_EQ(rollback.exit_code, 0) << rollback.Describe();
  EXPECT_EQ(ActiveDigest(config), workspace_->v1_digest);
  const CommandResult again = Install(config, "v1.elb");
  EXPECT_EQ(again.exit_code, 0) << again.Describe();
  EXPECT_NE(again.out.find("already active"), std::string::npos) << again.Describe();
}

TEST_F(AgentDevice, RefusesTamperedUntrustedAndMissingBundlesLeavingTheStateAlone) {
  const std::string config = Config("refusals");
  ASSERT_EQ(Install(config, "v1.elb").exit_code, 0);
  const std::string state_path = Dir() + "/refusals/bundles/state.json";
  const std::string state = ReadText(state_path);

  std::string bytes = ReadText(Dir() + "/v2.elb");
  ASSERT_GT(bytes.size(), 600u);
  bytes[bytes.size() / 2] ^= 0x01;
  ASSERT_TRUE(WriteText(Dir() + "/flipped.elb", bytes));
  const CommandResult flipped = Install(config, "flipped.elb");
  EXPECT_EQ(flipped.exit_code, 6) << flipped.Describe();
  EXPECT_NE(flipped.err.find("edgeloop-agent: bundle "), std::string::npos) << flipped.Describe();
  EXPECT_NE(flipped.err.find("archive is not readable"), std::string::npos)
      << "the message should name the check that failed\n"
      << flipped.Describe();
  EXPECT_EQ(ReadText(state_path), state);

  const CommandResult untrusted = Install(config, workspace_->other_signer);
  EXPECT_EQ(untrusted.exit_code, 4) << untrusted.Describe();
  EXPECT_NE(untrusted.err.find("does not verify with any trusted key"), std::string::npos)
      << untrusted.Describe();
  EXPECT_EQ(ReadText(state_path), state);

  const CommandResult missing = Install(config, "no-such-bundle.elb");
  EXPECT_TRUE(missing.exit_code == 3 || missing.exit_code == 5) << missing.Describe();
  EXPECT_NE(missing.err.find("no-such-bundle.elb"), std::string::npos) << missing.Describe();
  EXPECT_EQ(ReadText(state_path), state);

  EXPECT_EQ(CountFiles(Dir() + "/refusals/bundles/staging"), 0u) << "refused bytes stayed staged";
  EXPECT_EQ(ActiveDigest(config), workspace_->v1_digest);
}

TEST_F(AgentDevice, RunningAgentSwitchesToANewlyInstalledBundle) {
  const std::string config = Config("switch", /*listen=*/true);
  ASSERT_EQ(Install(config, "v1.elb").exit_code, 0);
  std::unique_ptr<AgentProcess> agent = AgentProcess::Start({"run", "--config", config}, Dir());
  ASSERT_NE(agent, nullptr);
  const int port = agent->WaitForApiPort(kStartMs);
  ASSERT_GT(port, 0) << agent->Describe();
  ASSERT_TRUE(WaitUntil([&] { return HealthDigest(port) == workspace_->v1_digest; }, kStartMs))
      << agent->Describe();

  const CommandResult v2 = Install(config, "v2.elb");
  ASSERT_EQ(v2.exit_code, 0) << v2.Describe();
  EXPECT_TRUE(WaitUntil([&] { return HealthDigest(port) == workspace_->v2_digest; }, kSwitchMs))
      << "the running agent did not switch to v2\n"
      << agent->Describe();
  const json health = json::parse(HttpGet(port, "/healthz").body, nullptr, false);
  EXPECT_EQ(health["bundle"]["version"], 2);
  EXPECT_TRUE(health["bundle"]["probation"].get<bool>()) << health.dump();

  const CommandResult rollback = Install(config, "v1.elb", /*rollback=*/true);
  ASSERT_EQ(rollback.exit_code, 0) << rollback.Describe();
  EXPECT_TRUE(WaitUntil([&] { return HealthDigest(port) == workspace_->v1_digest; }, kSwitchMs))
      << "the running agent did not go back to v1\n"
      << agent->Describe();
  agent->Signal(SIGTERM);
  EXPECT_EQ(agent->WaitExit(kStartMs), 0) << agent->Describe();
}

TEST_F(AgentDevice, LocalApiServesHealthMetricsAndScores) {
  const std::string config = Config("api", /*listen=*/true);
  ASSERT_EQ(Install(config, "v1.elb").exit_code, 0);
  std::unique_ptr<AgentProcess> agent = AgentProcess::Start({"run", "--config", config}, Dir());
  ASSERT_NE(agent, nullptr);
  const int port = agent->WaitForApiPort(kStartMs);
  ASSERT_GT(port, 0) << agent->Describe();

  // /healthz: JSON naming the device and the running bundle.
  ASSERT_TRUE(WaitUntil([&] { return HealthDigest(port) == workspace_->v1_digest; }, kStartMs));
  const json health = json::parse(HttpGet(port, "/healthz").body, nullptr, false);
  ASSERT_TRUE(health.is_object());
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["device"], "gw1");
  EXPECT_EQ(health["bundle"]["name"], "pump-failure");
  EXPECT_EQ(health["bundle"]["version"], 1);
  EXPECT_TRUE(health["outbox"].is_object());

  // /metrics: Prometheus text; the first replayed rows (one per pump) are counted.
  std::string metrics;
  ASSERT_TRUE(WaitUntil(
      [&] {
        const HttpResult m = HttpGet(port, "/metrics");
        metrics = m.body;
        return m.status == 200 && MetricValue(metrics, "edgeloop_agent_rows_total") >= 8;
      },
      kStartMs))
      << metrics;
  EXPECT_NE(metrics.find("# TYPE edgeloop_agent_rows_total counter"), std::string::npos);
  EXPECT_NE(
      metrics.find("edgeloop_agent_bundle_info{name=\"pump-failure\",version=\"1\",digest=\"" +
                   workspace_->v1_digest + "\"} 1"),
      std::string::npos)
      << metrics;
  EXPECT_GT(MetricValue(metrics, "process_resident_memory_bytes"), 0) << metrics;

  // POST /v1/score with one pump's first day of readings: the same windows and scores as
  // `edgeloop score` on those readings.
  const std::vector<std::string> lines = SplitLines(ReadText(Dir() + "/fleet/readings.csv"));
  ASSERT_GT(lines.size(), 200u);
  const std::vector<std::string_view> header = Split(lines[0], ',');
  const std::vector<std::string> signals = {"discharge_pressure", "flow", "motor_current",
                                            "bearing_temp", "vib_de_rms"};
  std::map<std::string, size_t> column;
  for (size_t c = 0; c < header.size(); ++c) column[std::string(header[c])] = c;
  json times = json::array();
  json values = json::object();
  std::string day = "time,asset," + Join(signals, ",") + "\n";
  for (size_t i = 1; i < lines.size() && times.size() < 144; ++i) {
    const std::vector<std::string_view> f = Split(lines[i], ',');
    if (f[column["asset"]] != "P001") continue;
    times.push_back(ParseTimestamp(f[column["time"]]).value());
    day += std::string(f[column["time"]]) + ",P001";
    for (const std::string& s : signals) {
      values[s].push_back(ParseDouble(f[column[s]]).value());
      day += "," + std::string(f[column[s]]);
    }
    day += "\n";
  }
  ASSERT_TRUE(WriteText(Dir() + "/p001-day.csv", day));
  const CommandResult offline =
      RunEdgeloop({"score", "--bundle", "v1.elb", "--trust", workspace_->trust, "--input",
                   "p001-day.csv", "--output", "p001-day-scores.csv"},
                  Dir());
  ASSERT_EQ(offline.exit_code, 0) << offline.Describe();
  std::map<int64_t, double> expected;
  const std::vector<std::string> offline_lines =
      SplitLines(ReadText(Dir() + "/p001-day-scores.csv"));
  for (size_t i = 1; i < offline_lines.size(); ++i) {
    const std::vector<std::string_view> f = Split(offline_lines[i], ',');
    if (!f[2].empty()) expected[ParseTimestamp(f[1]).value()] = ParseDouble(f[2]).value();
  }
  ASSERT_FALSE(expected.empty());

  const json readings_request{
      {"readings", {{"asset", "P001"}, {"time_ms", times}, {"values", values}}}};
  const HttpResult scored = HttpPost(port, "/v1/score", readings_request.dump());
  ASSERT_EQ(scored.status, 200) << scored.body << scored.error;
  const json response = json::parse(scored.body);
  EXPECT_EQ(response["bundle"]["digest"], workspace_->v1_digest);
  std::map<int64_t, double> got;
  for (const json& r : response["results"])
    got[r["window_end_ms"].get<int64_t>()] = r["score"].get<double>();
  EXPECT_EQ(got, expected);

  // Feature rows by name, with an explanation; a name the model does not know is a 400.
  const CommandResult inspect = RunEdgeloop({"bundle", "inspect", "v1.elb", "--json"}, Dir());
  ASSERT_EQ(inspect.exit_code, 0) << inspect.Describe();
  const json schema = JsonOut(inspect)["manifest"]["input_schema"];
  ASSERT_TRUE(schema.is_array() && !schema.empty()) << inspect.Describe();
  json features = json::object();
  for (const json& name : schema) features[name.get<std::string>()] = 1.0;
  const json rows_request{{"rows", {{{"asset", "P001"}, {"features", features}}}},
                          {"explain", true}};
  const HttpResult rows = HttpPost(port, "/v1/score", rows_request.dump());
  ASSERT_EQ(rows.status, 200) << rows.body << rows.error;
  const json rows_response = json::parse(rows.body);
  ASSERT_EQ(rows_response["results"].size(), 1u);
  const double score = rows_response["results"][0]["score"].get<double>();
  EXPECT_TRUE(score >= 0 && score <= 1) << rows.body;
  EXPECT_TRUE(rows_response["results"][0]["contributions"].is_array()) << rows.body;

  features["no_such_feature"] = 2.0;
  const HttpResult unknown =
      HttpPost(port, "/v1/score", json{{"rows", {{{"features", features}}}}}.dump());
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_NE(unknown.body.find("no_such_feature"), std::string::npos) << unknown.body;

  const HttpResult bad = HttpPost(port, "/v1/score", "{\"rows\": [");
  EXPECT_EQ(bad.status, 400) << bad.body;

  agent->Signal(SIGTERM);
  EXPECT_EQ(agent->WaitExit(kStartMs), 0) << agent->Describe();
}

}  // namespace
}  // namespace edgeloop::cli_test
