// Anomaly models from the command line: sim -> train a PCA model -> bundle build -> verify,
// validate -> score the fleet's readings with the bundle, on one simulated fleet.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "base/strings.h"
#include "cli_fleet.h"
#include "cli_runner.h"

namespace edgeloop::cli_test {
namespace {

using nlohmann::json;

// The features of SmallTrainConfig, a PCA model in place of the trees.
std::string PcaConfig(const std::string& fleet_dir) {
  return "data:\n"
         "  dir: " + fleet_dir + "\n"
         "features:\n"
         "  window: {length: 12h, hop: 2h}\n"
         "  period: 10m\n"
         "  min_coverage: 0.5\n"
         "  signals:\n"
         "    - {name: discharge_pressure, unit: bar,  range: [0, 60],    functions: [mean, std]}\n"
         "    - {name: flow,               unit: m3/h, range: [0, 400],   functions: [mean]}\n"
         "    - {name: motor_current,      unit: A,    range: [0, 400],   functions: [mean, max]}\n"
         "    - {name: bearing_temp,       unit: degC, range: [-30, 180], "
         "functions: [mean, slope]}\n"
         "    - {name: vib_de_rms,         unit: mm/s, range: [0, 50],    functions: [mean, max]}\n"
         "training:\n"
         "  horizon: 72h\n"
         "  split: {by: time, test_fraction: 0.3}\n"
         "  alert: {k: 2, n: 3, cooldown: 24h}\n"
         "model:\n"
         "  name: pump-anomaly\n"
         "  alias: challenger\n"
         "  kind: pca\n"
         "  explained_variance: 0.9\n"
         "  threshold: {quantile: 0.995}\n";
}

class EdgeloopTrainAnomaly : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new TempDir("train-anomaly");
    fleet_ = new SimulatedFleet(SimulateFleet(root_->path(), SmallFleetFlags()));
    if (fleet_->sim.exit_code != 0) return;
    if (!WriteText(root_->Sub("pca.yaml"), PcaConfig(fleet_->dir))) return;
    first_ = new CommandResult(Edgeloop({"train", "--config", "pca.yaml", "--json"}));
    keys_ = new CommandResult(RunEdgeloop({"keys", "generate", "--out", "keys/release"}, Dir()));
  }

  static void TearDownTestSuite() {
    delete keys_;
    delete first_;
    delete fleet_;
    delete root_;
    keys_ = nullptr;
    first_ = nullptr;
    fleet_ = nullptr;
    root_ = nullptr;
  }

  void SetUp() override {
    ASSERT_EQ(fleet_->sim.exit_code, 0) << fleet_->sim.Describe();
    ASSERT_NE(first_, nullptr);
    ASSERT_EQ(first_->exit_code, 0) << first_->Describe();
    ASSERT_TRUE(First().is_object()) << first_->Describe();
    ASSERT_EQ(keys_->exit_code, 0) << keys_->Describe();
  }

  static std::string Dir() { return root_->path(); }
  static json First() { return JsonOut(*first_); }

  static CommandResult Edgeloop(std::vector<std::string> args) {
    args.insert(args.end(), {"--home", "home"});
    return RunEdgeloop(args, Dir());
  }

  static TempDir* root_;
  static SimulatedFleet* fleet_;
  static CommandResult* first_;
  static CommandResult* keys_;
};

TempDir* EdgeloopTrainAnomaly::root_ = nullptr;
SimulatedFleet* EdgeloopTrainAnomaly::fleet_ = nullptr;
CommandResult* EdgeloopTrainAnomaly::first_ = nullptr;
CommandResult* EdgeloopTrainAnomaly::keys_ = nullptr;

// Assets with a failure in events.csv.
std::set<std::string> FailingAssets(const std::string& events_csv) {
  std::set<std::string> assets;
  const std::vector<std::string> lines = SplitLines(events_csv);
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string_view> fields = Split(lines[i], ',');
    if (fields.size() >= 3 && fields[2] == "failure") assets.insert(std::string(fields[1]));
  }
  return assets;
}

TEST_F(EdgeloopTrainAnomaly, RegistersAPcaVersionFittedOnHealthyRows) {
  const json doc = First();
  EXPECT_EQ(doc.value("model", ""), "pump-anomaly");
  EXPECT_EQ(doc.value("kind", ""), "pca");
  EXPECT_EQ(doc.value("aliases", json::array()), json::array({"challenger"}));
  const json& m = doc["metrics"];
  EXPECT_EQ(m.value("fit_on", ""), "healthy_training_rows") << m.dump(2);
  EXPECT_EQ(m.value("model_kind", ""), "pca");
  ASSERT_TRUE(m.contains("threshold") && m["threshold"].is_number()) << m.dump(2);
  EXPECT_GT(m["threshold"].get<double>(), 0.0);
  ASSERT_TRUE(m.contains("training_score_quantiles")) << m.dump(2);
  EXPECT_LE(m["training_score_quantiles"]["p50"].get<double>(), m["threshold"].get<double>());
  // Failures are on record, so the test part is measured as for the trees.
  EXPECT_GE(m.value("test_failures", 0), 1) << m.dump(2);
  EXPECT_TRUE(m.contains("false_alarms_per_1000_asset_days")) << m.dump(2);

  const CommandResult show = Edgeloop({"models", "show", "pump-anomaly@challenger", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.Describe();
  const json version = JsonOut(show)["version"];
  EXPECT_EQ(version.value("kind", ""), "pca") << show.Describe();
  EXPECT_EQ(version.value("model_digest", ""), doc.value("model_digest", ""));
}

TEST_F(EdgeloopTrainAnomaly, TrainingTwiceGivesTheSameModelDigest) {
  const CommandResult second = Edgeloop({"train", "--config", "pca.yaml", "--json"});
  ASSERT_EQ(second.exit_code, 0) << second.Describe();
  const json doc = JsonOut(second);
  EXPECT_EQ(doc.value("version", 0), 2);
  EXPECT_EQ(doc.value("model_digest", ""), First().value("model_digest", ""));

  const CommandResult reproduce =
      Edgeloop({"runs", "reproduce", First().value("run_id", ""), "--json"});
  ASSERT_EQ(reproduce.exit_code, 0) << reproduce.Describe();
  EXPECT_EQ(JsonOut(reproduce).value("identical", false), true) << reproduce.Describe();
}

TEST_F(EdgeloopTrainAnomaly, BundleVerifiesValidatesAndWarnsOnFailingPumps) {
  const CommandResult built = Edgeloop({"bundle", "build", "--model", "pump-anomaly@challenger",
                                        "--key", "keys/release.key", "-o", "pca.elb", "--json"});
  ASSERT_EQ(built.exit_code, 0) << built.Describe();

  const CommandResult verify =
      RunEdgeloop({"bundle", "verify", "pca.elb", "--trust", "keys/release.pub", "--json"}, Dir());
  ASSERT_EQ(verify.exit_code, 0) << verify.Describe();
  const json manifest = JsonOut(verify)["manifest"];
  EXPECT_EQ(manifest.value("model_kind", ""), "pca") << verify.Describe();
  EXPECT_DOUBLE_EQ(manifest.value("threshold", 0.0), First()["metrics"]["threshold"].get<double>());
  EXPECT_EQ(manifest["alert_policy"].value("k", 0), 2);
  EXPECT_EQ(manifest["alert_policy"].value("n", 0), 3);
  EXPECT_EQ(manifest.value("reference_histograms", 0u), manifest["input_schema"].size());

  const CommandResult validate = Edgeloop(
      {"bundle", "validate", "pca.elb", "--trust", "keys/release.pub", "--iterations", "2",
       "--json"});
  ASSERT_EQ(validate.exit_code, 0) << validate.Describe();
  EXPECT_EQ(JsonOut(validate).value("passed", false), true) << validate.Describe();

  const CommandResult score =
      RunEdgeloop({"score", "--bundle", "pca.elb", "--trust", "keys/release.pub", "--input",
                   fleet_->dir + "/readings.csv", "--output", "scores.csv", "--json"},
                  Dir());
  ASSERT_EQ(score.exit_code, 0) << score.Describe();
  EXPECT_GT(JsonOut(score).value("scored", 0), 0) << score.Describe();

  // Every scored window has a finite score; the failing pumps raise alerts, and they raise more
  // of them per pump than the pumps that never fail.
  const std::set<std::string> failing = FailingAssets(ReadText(fleet_->dir + "/events.csv"));
  ASSERT_FALSE(failing.empty());
  std::map<std::string, int> raised;
  std::set<std::string> assets;
  const std::vector<std::string> lines = SplitLines(ReadText(Dir() + "/scores.csv"));
  ASSERT_GT(lines.size(), 1u);
  ASSERT_EQ(lines[0], "asset,time,score,over,alert,alert_id,top_features");
  size_t scored = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string_view> f = Split(lines[i], ',');
    ASSERT_GE(f.size(), 6u) << lines[i];
    assets.insert(std::string(f[0]));
    if (f[2].empty()) continue;  // a window without enough readings
    Result<double> value = ParseDouble(f[2]);
    ASSERT_TRUE(value.ok() && std::isfinite(*value)) << lines[i];
    ++scored;
    if (f[4] == "raised") ++raised[std::string(f[0])];
  }
  EXPECT_GT(scored, lines.size() / 2);
  int on_failing = 0, on_healthy = 0;
  for (const std::string& asset : assets) {
    (failing.count(asset) ? on_failing : on_healthy) += raised[asset];
  }
  EXPECT_GT(on_failing, 0) << "no alert on the pumps that fail";
  const size_t healthy_pumps = assets.size() - failing.size();
  if (healthy_pumps > 0) {
    EXPECT_GT(static_cast<double>(on_failing) / static_cast<double>(failing.size()),
              static_cast<double>(on_healthy) / static_cast<double>(healthy_pumps))
        << on_failing << " alerts on " << failing.size() << " failing pumps, " << on_healthy
        << " on " << healthy_pumps << " healthy ones";
  }
}

}  // namespace
}  // namespace edgeloop::cli_test
