// `runs reproduce` when the data under a run changed, and training on an imported dataset, which
// does not change when the files it was imported from do.
#include <gtest/gtest.h>

#include <algorithm>

#include "base/strings.h"
#include "cli_fleet.h"
#include "cli_runner.h"

namespace edgeloop::cli_test {
namespace {

using nlohmann::json;

class EdgeloopReproduce : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new TempDir("reproduce");
    fleet_ = new SimulatedFleet(SimulateFleet(root_->path(), SmallFleetFlags()));
  }
  static void TearDownTestSuite() {
    delete fleet_;
    delete root_;
    fleet_ = nullptr;
    root_ = nullptr;
  }

  void SetUp() override {
    ASSERT_EQ(fleet_->sim.exit_code, 0) << fleet_->sim.Describe();
    ASSERT_GE(fleet_->failures, 4) << fleet_->sim.Describe();
  }

  // Copies the fleet's readings, events and assets into dir/fleet.
  static void CopyFleet(const std::string& dir) {
    for (const char* name : {"readings.csv", "events.csv", "assets.csv"}) {
      ASSERT_TRUE(WriteText(dir + "/fleet/" + name, ReadText(fleet_->dir + "/" + name)));
    }
  }

  static TempDir* root_;
  static SimulatedFleet* fleet_;
};

TempDir* EdgeloopReproduce::root_ = nullptr;
SimulatedFleet* EdgeloopReproduce::fleet_ = nullptr;

// Adds 1.5 to the discharge_pressure of the first row of `asset` at or after line `from`
// (1-based) of a wide readings file; returns the changed line's number, 0 when there is none.
int ChangeOneReading(std::string* readings, const std::string& asset, int from) {
  std::vector<std::string> lines = SplitLines(*readings);
  if (lines.empty()) return 0;
  std::vector<std::string> header;
  for (std::string_view h : Split(lines[0], ',')) header.emplace_back(h);
  const auto column = std::find(header.begin(), header.end(), "discharge_pressure");
  if (column == header.end()) return 0;
  const size_t index = static_cast<size_t>(column - header.begin());
  for (size_t i = static_cast<size_t>(from) - 1; i < lines.size(); ++i) {
    std::vector<std::string> fields;
    for (std::string_view f : Split(lines[i], ',')) fields.emplace_back(f);
    if (fields.size() != header.size() || fields[1] != asset) continue;
    Result<double> value = ParseDouble(fields[index]);
    if (!value.ok()) continue;
    fields[index] = FormatDouble(*value + 1.5);
    lines[i] = Join(fields, ",");
    *readings = JoinLines(lines);
    return static_cast<int>(i) + 1;
  }
  return 0;
}

const json* FindInput(const json& reproduce, const std::string& name) {
  for (const json& input : reproduce["inputs"]) {
    if (input.value("name", "") == name) return &input;
  }
  return nullptr;
}

TEST_F(EdgeloopReproduce, OneChangedReadingFailsNamingTheReadingsAndTheAsset) {
  TempDir dir("changed");
  CopyFleet(dir.path());
  ASSERT_TRUE(WriteText(dir.Sub("train.yaml"), SmallTrainConfig("  dir: fleet\n")));
  const CommandResult train =
      RunEdgeloop({"train", "--config", "train.yaml", "--home", "home", "--json"}, dir.path());
  ASSERT_EQ(train.exit_code, 0) << train.Describe();
  const std::string run_id = JsonOut(train).value("run_id", "");
  ASSERT_FALSE(run_id.empty()) << train.Describe();

  std::string readings = ReadText(dir.Sub("fleet/readings.csv"));
  const int changed_line = ChangeOneReading(&readings, "P005", 20000);
  ASSERT_GT(changed_line, 0) << "no row of P005 past line 20000";
  ASSERT_TRUE(WriteText(dir.Sub("fleet/readings.csv"), readings));

  // From another folder, one with an unchanged fleet/ of its own: the run recorded where its
  // files are, so a relative `dir: fleet` is not read again relative to the new folder.
  const CommandResult human =
      RunEdgeloop({"runs", "reproduce", run_id, "--home", dir.Sub("home")}, root_->path());
  EXPECT_EQ(human.exit_code, 1) << human.Describe();
  EXPECT_NE(human.out.find("input differs: readings ("), std::string::npos) << human.Describe();
  EXPECT_NE(human.out.find("input differs: readings of asset P005"), std::string::npos)
      << "line " << changed_line << " of readings.csv was changed\n"
      << human.Describe();
  EXPECT_EQ(human.out.find("input differs: readings of asset P001"), std::string::npos)
      << human.Describe();
  EXPECT_EQ(human.out.find("input differs: events"), std::string::npos) << human.Describe();
  EXPECT_NE(human.out.find("NOT reproduced"), std::string::npos) << human.Describe();

  const CommandResult machine =
      RunEdgeloop({"runs", "reproduce", run_id, "--home", "home", "--json"}, dir.path());
  EXPECT_EQ(machine.exit_code, 1) << machine.Describe();
  const json doc = JsonOut(machine);
  ASSERT_TRUE(doc.is_object() && doc.contains("inputs")) << machine.Describe();
  EXPECT_EQ(doc.value("identical", true), false) << doc.dump(2);
  const std::vector<std::pair<std::string, bool>> expected = {{"readings", false},
                                                              {"readings of asset P005", false},
                                                              {"readings of asset P001", true},
                                                              {"events", true},
                                                              {"feature_spec", true},
                                                              {"readings of asset P008", true}};
  for (const auto& [name, same] : expected) {
    const json* input = FindInput(doc, name);
    ASSERT_NE(input, nullptr) << name << "\n" << doc.dump(2);
    EXPECT_EQ(input->value("same", !same), same) << input->dump();
  }
}

// A train config may take its feature spec from a file (`features: {file: spec.yaml}`, relative
// to the folder edgeloop runs in). Reproducing from another folder must rebuild the same model.
TEST_F(EdgeloopReproduce, RunWithAFeatureSpecFileReproducesFromAnotherFolder) {
  TempDir dir("spec-file");
  const std::vector<std::string> config =
      SplitLines(SmallTrainConfig("  dir: " + fleet_->dir + "\n"));
  std::vector<std::string> spec;
  std::vector<std::string> with_file;
  bool in_features = false;
  for (const std::string& line : config) {
    if (line == "features:") {
      in_features = true;
      with_file.push_back("features: {file: spec.yaml}");
      continue;
    }
    if (in_features && !line.starts_with("  ")) in_features = false;
    if (in_features) {
      spec.push_back(line.substr(2));
    } else {
      with_file.push_back(line);
    }
  }
  ASSERT_FALSE(spec.empty());
  ASSERT_TRUE(WriteText(dir.Sub("spec.yaml"), JoinLines(spec)));
  ASSERT_TRUE(WriteText(dir.Sub("train.yaml"), JoinLines(with_file)));
  const CommandResult train =
      RunEdgeloop({"train", "--config", "train.yaml", "--home", "home", "--json"}, dir.path());
  ASSERT_EQ(train.exit_code, 0) << train.Describe();
  const std::string run_id = JsonOut(train).value("run_id", "");

  const CommandResult reproduce =
      RunEdgeloop({"runs", "reproduce", run_id, "--home", dir.Sub("home")}, root_->path());
  EXPECT_EQ(reproduce.exit_code, 0) << reproduce.Describe();
  EXPECT_NE(reproduce.out.find("reproduced: identical model"), std::string::npos)
      << reproduce.Describe();
}

TEST_F(EdgeloopReproduce, ImportedDatasetTrainsAndReproducesAfterItsSourceFilesChange) {
  TempDir dir("dataset");
  CopyFleet(dir.path());
  const CommandResult import = RunEdgeloop(
      {"data", "import", "--name", "north", "--readings", "fleet/readings.csv", "--events",
       "fleet/events.csv", "--assets", "fleet/assets.csv", "--home", "home", "--json"},
      dir.path());
  ASSERT_EQ(import.exit_code, 0) << import.Describe();

  const CommandResult list = RunEdgeloop({"data", "list", "--home", "home", "--json"}, dir.path());
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  const json datasets = JsonOut(list).value("datasets", json::array());
  ASSERT_EQ(datasets.size(), 3u) << list.Describe();
  std::vector<std::string> kinds;
  for (const json& d : datasets) {
    EXPECT_EQ(d.value("name", ""), "north");
    kinds.push_back(d.value("kind", ""));
    if (d.value("kind", "") == "readings") {
      EXPECT_EQ(d.value("rows", 0LL), fleet_->rows) << d.dump(2);
      EXPECT_EQ(d.value("assets", 0), 8) << d.dump(2);
    }
  }
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::string>{"assets", "events", "readings"}));

  ASSERT_TRUE(WriteText(dir.Sub("train.yaml"), SmallTrainConfig("  dataset: north\n")));
  const CommandResult train =
      RunEdgeloop({"train", "--config", "train.yaml", "--home", "home", "--json"}, dir.path());
  ASSERT_EQ(train.exit_code, 0) << train.Describe();
  const json trained = JsonOut(train);
  const std::string run_id = trained.value("run_id", "");
  ASSERT_FALSE(run_id.empty()) << train.Describe();

  // The dataset is a snapshot: changing the file it came from changes nothing.
  std::string readings = ReadText(dir.Sub("fleet/readings.csv"));
  ASSERT_GT(ChangeOneReading(&readings, "P003", 1000), 0);
  ASSERT_TRUE(WriteText(dir.Sub("fleet/readings.csv"), readings));

  const CommandResult reproduce =
      RunEdgeloop({"runs", "reproduce", run_id, "--home", "home", "--json"}, dir.path());
  EXPECT_EQ(reproduce.exit_code, 0) << reproduce.Describe();
  const json doc = JsonOut(reproduce);
  EXPECT_EQ(doc.value("identical", false), true) << reproduce.Describe();
  ASSERT_TRUE(doc.contains("model_digest")) << reproduce.Describe();
  EXPECT_EQ(doc["model_digest"].value("reproduced", ""), trained.value("model_digest", ""));
}

}  // namespace
}  // namespace edgeloop::cli_test
