// sim -> train -> runs reproduce, and the registry commands, on one simulated fleet and one
// trained workspace shared by the tests of the suite.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <regex>

#include "base/sha256.h"
#include "cli_fleet.h"
#include "cli_runner.h"

namespace edgeloop::cli_test {
namespace {

using nlohmann::json;

class EdgeloopTrain : public ::testing::Test {
 protected:
  // One fleet, one `train --json` into one home; every test reads them, and only
  // SecondTraining() trains into that home again.
  static void SetUpTestSuite() {
    root_ = new TempDir("train");
    fleet_ = new SimulatedFleet(SimulateFleet(root_->path(), SmallFleetFlags()));
    config_ = root_->Sub("train.yaml");
    if (fleet_->sim.exit_code != 0 || fleet_->failures < 4) return;
    if (!WriteText(config_, SmallTrainConfig("  dir: " + fleet_->dir + "\n"))) return;
    first_ = new CommandResult(
        RunEdgeloop({"train", "--config", config_, "--home", Home(), "--json"}, root_->path()));
    first_doc_ = new json(JsonOut(*first_));
  }

  static void TearDownTestSuite() {
    delete second_;
    delete first_doc_;
    delete first_;
    delete fleet_;
    delete root_;
    second_ = nullptr;
    first_doc_ = nullptr;
    first_ = nullptr;
    fleet_ = nullptr;
    root_ = nullptr;
  }

  void SetUp() override {
    ASSERT_EQ(fleet_->sim.exit_code, 0) << fleet_->sim.Describe();
    ASSERT_GE(fleet_->failures, 4) << "the small fleet has too few failures to train on; pick "
                                      "other sim flags\n"
                                   << fleet_->sim.Describe();
    ASSERT_NE(first_, nullptr);
    ASSERT_EQ(first_->exit_code, 0) << first_->Describe();
    ASSERT_TRUE(first_doc_->is_object()) << first_->Describe();
  }

  static std::string Home() { return root_->Sub("home"); }
  static const json& First() { return *first_doc_; }
  static std::string RunId() { return First().value("run_id", ""); }

  // The same config trained again without --json (the human report), run once per process.
  static const CommandResult& SecondTraining() {
    if (second_ == nullptr) {
      second_ = new CommandResult(
          RunEdgeloop({"train", "--config", config_, "--home", Home()}, root_->path()));
    }
    return *second_;
  }

  static CommandResult Edgeloop(std::vector<std::string> args) {
    args.insert(args.end(), {"--home", Home()});
    return RunEdgeloop(args, root_->path());
  }

  static TempDir* root_;
  static SimulatedFleet* fleet_;
  static std::string config_;
  static CommandResult* first_;
  static json* first_doc_;
  static CommandResult* second_;
};

TempDir* EdgeloopTrain::root_ = nullptr;
SimulatedFleet* EdgeloopTrain::fleet_ = nullptr;
std::string EdgeloopTrain::config_;
CommandResult* EdgeloopTrain::first_ = nullptr;
json* EdgeloopTrain::first_doc_ = nullptr;
CommandResult* EdgeloopTrain::second_ = nullptr;

bool IsSha256Hex(const std::string& text) {
  return std::regex_match(text, std::regex("[0-9a-f]{64}"));
}

TEST_F(EdgeloopTrain, JsonReportHasRunModelVersionDigestAndMetrics) {
  const json& doc = First();
  EXPECT_TRUE(std::regex_match(doc.value("run_id", ""), std::regex("run-[0-9a-f]+")))
      << doc.dump(2);
  EXPECT_EQ(doc.value("model", ""), "pump-failure");
  EXPECT_EQ(doc.value("version", 0), 1);
  EXPECT_EQ(doc.value("aliases", json::array()), json::array({"challenger"}));
  EXPECT_TRUE(IsSha256Hex(doc.value("model_digest", ""))) << doc.dump(2);
  EXPECT_EQ(doc.value("assets", 0), 8);

  ASSERT_TRUE(doc.contains("metrics") && doc["metrics"].is_object()) << doc.dump(2);
  const json& m = doc["metrics"];
  for (const char* unit_metric : {"event_recall", "pr_auc", "roc_auc"}) {
    ASSERT_TRUE(m.contains(unit_metric) && m[unit_metric].is_number()) << unit_metric << "\n"
                                                                       << m.dump(2);
    EXPECT_GE(m[unit_metric].get<double>(), 0.0) << unit_metric;
    EXPECT_LE(m[unit_metric].get<double>(), 1.0) << unit_metric;
  }
  ASSERT_TRUE(m.contains("false_alarms_per_1000_asset_days") &&
              m["false_alarms_per_1000_asset_days"].is_number())
      << m.dump(2);
  EXPECT_GE(m["false_alarms_per_1000_asset_days"].get<double>(), 0.0);
  ASSERT_TRUE(m.contains("test_failures") && m.contains("failures_caught")) << m.dump(2);
  EXPECT_GE(m["test_failures"].get<int>(), 1) << "the test period must hold a failure";
  // A failure was caught, so there is a median warning time, and it is before the failure.
  ASSERT_GE(m["failures_caught"].get<int>(), 1) << m.dump(2);
  ASSERT_TRUE(m.contains("median_lead_time_hours") && m["median_lead_time_hours"].is_number())
      << m.dump(2);
  EXPECT_GT(m["median_lead_time_hours"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(m["event_recall"].get<double>(),
                   m["failures_caught"].get<double>() / m["test_failures"].get<double>());
}

TEST_F(EdgeloopTrain, ModelDigestIsTheSha256OfTheStoredModel) {
  const std::string digest = First().value("model_digest", "");
  ASSERT_TRUE(IsSha256Hex(digest));
  const std::string model =
      ReadText(Home() + "/artifacts/sha256/" + digest.substr(0, 2) + "/" + digest);
  ASSERT_FALSE(model.empty());
  EXPECT_EQ(Sha256Hex(model), digest);
  EXPECT_TRUE(json::parse(model, nullptr, false).is_object()) << "the model is XGBoost JSON";
}

TEST_F(EdgeloopTrain, RunRecordsSeedThreadsCodeVersionAndInputDigests) {
  const CommandResult show = Edgeloop({"runs", "show", RunId(), "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.Describe();
  const json run = JsonOut(show);
  ASSERT_TRUE(run.is_object()) << show.Describe();
  EXPECT_EQ(run.value("id", ""), RunId());
  EXPECT_EQ(run.value("kind", ""), "train");
  EXPECT_EQ(run.value("status", ""), "finished");
  EXPECT_EQ(run.value("seed", -1), 7);
  EXPECT_EQ(run.value("nthread", -1), 2);
  EXPECT_FALSE(run.value("code_version", "").empty());
  EXPECT_EQ(run.value("model_digest", ""), First().value("model_digest", ""));
  EXPECT_EQ(run.value("config_text", ""), ReadText(config_)) << "the run keeps its config bytes";
  ASSERT_TRUE(run.contains("inputs") && run["inputs"].is_object()) << run.dump(2);
  for (const char* input : {"readings", "events", "feature_spec", "dataset"}) {
    EXPECT_TRUE(IsSha256Hex(run["inputs"].value(input, ""))) << input << "\n"
                                                             << run["inputs"].dump(2);
  }
}

TEST_F(EdgeloopTrain, ReproduceRebuildsTheSameModelDigest) {
  const CommandResult reproduce = Edgeloop({"runs", "reproduce", RunId(), "--json"});
  ASSERT_EQ(reproduce.exit_code, 0) << reproduce.Describe();
  const json doc = JsonOut(reproduce);
  ASSERT_TRUE(doc.is_object()) << reproduce.Describe();
  EXPECT_EQ(doc.value("run_id", ""), RunId());
  EXPECT_EQ(doc.value("identical", false), true) << doc.dump(2);
  ASSERT_TRUE(doc.contains("model_digest")) << doc.dump(2);
  EXPECT_EQ(doc["model_digest"].value("recorded", ""), First().value("model_digest", ""));
  EXPECT_EQ(doc["model_digest"].value("reproduced", ""), First().value("model_digest", ""));
  ASSERT_TRUE(doc.contains("inputs") && doc["inputs"].is_array()) << doc.dump(2);
  // readings, events, feature spec, dataset, predictions and the 8 assets' readings.
  EXPECT_GE(doc["inputs"].size(), 5u + 8u) << doc.dump(2);
  for (const json& input : doc["inputs"]) {
    EXPECT_TRUE(input.value("same", false)) << input.dump();
  }
}

TEST_F(EdgeloopTrain, TrainingAgainOnTheSameDataGivesVersion2WithTheSameDigest) {
  const CommandResult& second = SecondTraining();
  ASSERT_EQ(second.exit_code, 0) << second.Describe();
  const std::string digest = First().value("model_digest", "");
  EXPECT_NE(second.out.find("pump-failure version 2"), std::string::npos) << second.Describe();
  EXPECT_NE(second.out.find("model digest  " + digest), std::string::npos) << second.Describe();

  // The registry agrees: both versions carry the same digest.
  const CommandResult show = Edgeloop({"models", "show", "pump-failure", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.Describe();
  const json doc = JsonOut(show);
  ASSERT_TRUE(doc.contains("versions") && doc["versions"].is_array()) << show.Describe();
  ASSERT_EQ(doc["versions"].size(), 2u) << show.Describe();
  std::vector<int> numbers;
  for (const json& v : doc["versions"]) {
    numbers.push_back(v.value("version", 0));
    EXPECT_EQ(v.value("model_digest", ""), digest) << v.dump(2);
  }
  std::sort(numbers.begin(), numbers.end());
  EXPECT_EQ(numbers, (std::vector<int>{1, 2}));
}

TEST_F(EdgeloopTrain, HumanReportTellsFailuresCaughtAndFalseAlarms) {
  const CommandResult& second = SecondTraining();
  ASSERT_EQ(second.exit_code, 0) << second.Describe();
  const json& m = First()["metrics"];
  const std::string caught = "Caught " + std::to_string(m.value("failures_caught", -1)) + " of " +
                             std::to_string(m.value("test_failures", -1)) + " failures";
  EXPECT_NE(second.out.find(caught), std::string::npos) << caught << "\n" << second.Describe();
  EXPECT_NE(second.out.find("failures caught (event recall)"), std::string::npos)
      << second.Describe();
  EXPECT_NE(second.out.find("false alarms per 1,000 pump-days"), std::string::npos)
      << second.Describe();
  EXPECT_NE(second.out.find("median warning before failure"), std::string::npos)
      << second.Describe();
  EXPECT_NE(second.out.find("edgeloop runs reproduce run-"), std::string::npos)
      << "the report says how to reproduce the run\n"
      << second.Describe();
}

TEST_F(EdgeloopTrain, AliasChampionResolvesToTheVersionItNames) {
  const CommandResult alias = Edgeloop({"models", "alias", "pump-failure", "champion", "1"});
  ASSERT_EQ(alias.exit_code, 0) << alias.Describe();

  const CommandResult show = Edgeloop({"models", "show", "pump-failure@champion", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.Describe();
  const json doc = JsonOut(show);
  ASSERT_TRUE(doc.contains("version") && doc["version"].is_object()) << show.Describe();
  EXPECT_EQ(doc["version"].value("model", ""), "pump-failure");
  EXPECT_EQ(doc["version"].value("version", 0), 1);
  EXPECT_EQ(doc["version"].value("model_digest", ""), First().value("model_digest", ""));
  const json aliases = doc["version"].value("aliases", json::array());
  EXPECT_NE(std::find(aliases.begin(), aliases.end(), "champion"), aliases.end())
      << doc["version"].dump(2);
  EXPECT_EQ(doc.value("model_artifact_present", false), true);
  ASSERT_TRUE(doc.contains("run") && doc["run"].is_object()) << "lineage to the run\n"
                                                             << show.Describe();
  EXPECT_EQ(doc["run"].value("id", ""), RunId());
}

TEST_F(EdgeloopTrain, UnknownModelOrAliasExitsNotFound) {
  const CommandResult no_model = Edgeloop({"models", "show", "nope@champion"});
  EXPECT_EQ(no_model.exit_code, 3) << no_model.Describe();
  EXPECT_NE(no_model.err.find("nope"), std::string::npos) << no_model.Describe();
  EXPECT_TRUE(no_model.out.empty()) << no_model.Describe();

  const CommandResult no_alias = Edgeloop({"models", "show", "pump-failure@no-such-alias"});
  EXPECT_EQ(no_alias.exit_code, 3) << no_alias.Describe();
  EXPECT_NE(no_alias.err.find("no-such-alias"), std::string::npos) << no_alias.Describe();

  const CommandResult no_run = Edgeloop({"runs", "reproduce", "run-000000000000"});
  EXPECT_EQ(no_run.exit_code, 3) << no_run.Describe();
}

}  // namespace
}  // namespace edgeloop::cli_test
