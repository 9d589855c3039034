// Bad input to `train` and `data import`: a message with file, line and reason, exit code 2, and
// nothing written to the workspace.
#include <gtest/gtest.h>

#include "base/strings.h"
#include "cli_fleet.h"
#include "cli_runner.h"

namespace edgeloop::cli_test {
namespace {

using nlohmann::json;

// Hand-written events, so line numbers are known: lines 2 to 4 are events.
constexpr char kGoodEvents[] =
    "time,asset,kind,failure_mode\n"
    "2026-01-02T00:00:00Z,P001,inspection,\n"
    "2026-01-02T06:00:00Z,P002,failure,bearing_wear\n"
    "2026-01-02T12:00:00Z,P002,repair,\n";

class EdgeloopBadInput : public ::testing::Test {
 protected:
  // A tiny fleet (2 pumps, 3 days): the tests break one of its lines.
  static void SetUpTestSuite() {
    root_ = new TempDir("bad-input");
    fleet_ = new SimulatedFleet(SimulateFleet(
        root_->path(), {"--assets", "2", "--days", "3", "--period", "10m", "--seed", "3"}));
  }
  static void TearDownTestSuite() {
    delete fleet_;
    delete root_;
    fleet_ = nullptr;
    root_ = nullptr;
  }

  void SetUp() override {
    ASSERT_EQ(fleet_->sim.exit_code, 0) << fleet_->sim.Describe();
    readings_ = SplitLines(ReadText(fleet_->dir + "/readings.csv"));
    ASSERT_GT(readings_.size(), 20u);
    header_ = Fields(readings_[0]);
    ASSERT_EQ(header_[0], "time");
    for (size_t i = 1; i < readings_.size(); ++i) {
      if (Fields(readings_[i])[1] == "P001") p001_lines_.push_back(static_cast<int>(i) + 1);
    }
    ASSERT_GE(p001_lines_.size(), 4u);
  }

  static std::vector<std::string> Fields(const std::string& line) {
    std::vector<std::string> fields;
    for (std::string_view f : Split(line, ',')) fields.emplace_back(f);
    return fields;
  }

  // The readings with 1-based line `line` replaced by `fields`.
  std::string ReadingsWithLine(int line, const std::vector<std::string>& fields) const {
    std::vector<std::string> lines = readings_;
    lines[static_cast<size_t>(line) - 1] = Join(fields, ",");
    return JoinLines(lines);
  }
  std::vector<std::string> FieldsOfLine(int line) const {
    return Fields(readings_[static_cast<size_t>(line) - 1]);
  }
  std::string GoodReadings() const { return JoinLines(readings_); }

  // `train` on these files in a fresh folder and home: exit 2, stderr has `where` (e.g.
  // "readings.csv:6: ") followed by `reason`, stdout is empty, the workspace holds nothing.
  static void ExpectTrainRejects(const std::string& readings, const std::string& events,
                                 const std::string& config, const std::string& where,
                                 const std::string& reason) {
    TempDir dir("train");
    ASSERT_TRUE(WriteText(dir.Sub("data/readings.csv"), readings));
    ASSERT_TRUE(WriteText(dir.Sub("data/events.csv"), events));
    ASSERT_TRUE(WriteText(dir.Sub("train.yaml"), config));
    const CommandResult train =
        RunEdgeloop({"train", "--config", "train.yaml", "--home", "home"}, dir.path());
    EXPECT_EQ(train.exit_code, 2) << train.Describe();
    EXPECT_NE(train.err.find(where + reason), std::string::npos)
        << "expected '" << where << reason << "'\n"
        << train.Describe();
    EXPECT_TRUE(train.out.empty()) << train.Describe();
    ExpectEmptyWorkspace("home", dir.path());
  }

  static void ExpectTrainRejects(const std::string& readings, const std::string& events,
                                 const std::string& where, const std::string& reason) {
    ExpectTrainRejects(readings, events, SmallTrainConfig("  dir: data\n"), where, reason);
  }

  // `data import` of these files into a workspace that already holds one dataset: exit 2, the
  // message, and afterwards still only that one dataset (a good file given with a bad one is not
  // imported either).
  void ExpectImportRejects(const std::string& readings, const std::string& events,
                           const std::string& where, const std::string& reason) const {
    TempDir dir("import");
    ASSERT_TRUE(WriteText(dir.Sub("data/readings.csv"), readings));
    ASSERT_TRUE(WriteText(dir.Sub("data/events.csv"), events));
    const CommandResult first = RunEdgeloop({"data", "import", "--name", "site", "--assets",
                                             fleet_->dir + "/assets.csv", "--home", "home"},
                                            dir.path());
    ASSERT_EQ(first.exit_code, 0) << first.Describe();
    ASSERT_EQ(CountFiles(dir.Sub("home/artifacts")), 1u);

    const CommandResult import =
        RunEdgeloop({"data", "import", "--name", "bad", "--readings", "data/readings.csv",
                     "--events", "data/events.csv", "--home", "home", "--json"},
                    dir.path());
    EXPECT_EQ(import.exit_code, 2) << import.Describe();
    EXPECT_NE(import.err.find(where + reason), std::string::npos)
        << "expected '" << where << reason << "'\n"
        << import.Describe();
    EXPECT_TRUE(import.out.empty()) << import.Describe();

    const CommandResult list =
        RunEdgeloop({"data", "list", "--home", "home", "--json"}, dir.path());
    ASSERT_EQ(list.exit_code, 0) << list.Describe();
    const json datasets = JsonOut(list).value("datasets", json::array());
    ASSERT_EQ(datasets.size(), 1u) << list.Describe();
    EXPECT_EQ(datasets[0].value("name", ""), "site");
    EXPECT_EQ(CountFiles(dir.Sub("home/artifacts")), 1u) << "the artifact store grew";
  }

  static TempDir* root_;
  static SimulatedFleet* fleet_;
  std::vector<std::string> readings_;  // lines of the tiny fleet's readings.csv
  std::vector<std::string> header_;
  std::vector<int> p001_lines_;  // 1-based lines of asset P001's rows
};

TempDir* EdgeloopBadInput::root_ = nullptr;
SimulatedFleet* EdgeloopBadInput::fleet_ = nullptr;

TEST_F(EdgeloopBadInput, GoodTinyFilesGetPastTheChecks) {
  // The baseline every other test breaks one line of: it imports.
  TempDir dir("good");
  ASSERT_TRUE(WriteText(dir.Sub("readings.csv"), GoodReadings()));
  ASSERT_TRUE(WriteText(dir.Sub("events.csv"), kGoodEvents));
  const CommandResult import =
      RunEdgeloop({"data", "import", "--name", "good", "--readings", "readings.csv", "--events",
                   "events.csv", "--home", "home"},
                  dir.path());
  EXPECT_EQ(import.exit_code, 0) << import.Describe();
}

TEST_F(EdgeloopBadInput, ReadingsLineWithAMissingField) {
  const int line = p001_lines_[2];
  std::vector<std::string> fields = FieldsOfLine(line);
  fields.pop_back();
  const std::string readings = ReadingsWithLine(line, fields);
  const std::string where = "readings.csv:" + std::to_string(line) + ": ";
  const std::string reason = "expected " + std::to_string(header_.size()) + " fields, found " +
                             std::to_string(header_.size() - 1);
  ExpectTrainRejects(readings, kGoodEvents, where, reason);
  ExpectImportRejects(readings, kGoodEvents, where, reason);
}

TEST_F(EdgeloopBadInput, ReadingsUnparsableNumber) {
  const int line = p001_lines_[2];
  std::vector<std::string> fields = FieldsOfLine(line);
  fields[4] = "12.5.1";
  const std::string readings = ReadingsWithLine(line, fields);
  const std::string where = "readings.csv:" + std::to_string(line) + ": ";
  const std::string reason = "signal " + header_[4];
  ExpectTrainRejects(readings, kGoodEvents, where, reason);
  ExpectImportRejects(readings, kGoodEvents, where, reason);
}

TEST_F(EdgeloopBadInput, ReadingsTimestampOutOfOrderForAnAsset) {
  // P001's fourth row gets the time of its first row.
  const int line = p001_lines_[3];
  const std::string earlier = FieldsOfLine(p001_lines_[0])[0];
  std::vector<std::string> fields = FieldsOfLine(line);
  fields[0] = earlier;
  const std::string readings = ReadingsWithLine(line, fields);
  const std::string where = "readings.csv:" + std::to_string(line) + ": ";
  const std::string reason = "timestamp " + earlier + " of asset P001 is out of order";
  ExpectTrainRejects(readings, kGoodEvents, where, reason);
  ExpectImportRejects(readings, kGoodEvents, where, reason);
}

TEST_F(EdgeloopBadInput, ReadingsDuplicatedTimestampForAnAsset) {
  // P001's fourth row gets the time of its third row.
  const int line = p001_lines_[3];
  const std::string previous = FieldsOfLine(p001_lines_[2])[0];
  std::vector<std::string> fields = FieldsOfLine(line);
  fields[0] = previous;
  const std::string readings = ReadingsWithLine(line, fields);
  const std::string where = "readings.csv:" + std::to_string(line) + ": ";
  const std::string reason = "duplicated timestamp " + previous + " for asset P001";
  ExpectTrainRejects(readings, kGoodEvents, where, reason);
  ExpectImportRejects(readings, kGoodEvents, where, reason);
}

TEST_F(EdgeloopBadInput, UnknownSignalInTheFeatureSpecNamesTheConfigLine) {
  const std::string config = SmallTrainConfig(
      "  dir: data\n", "{name: bogus_sensor, unit: bar, range: [0, 10], functions: [mean]}");
  const int line = LineContaining(config, "bogus_sensor");
  ASSERT_GT(line, 0);
  ExpectTrainRejects(GoodReadings(), kGoodEvents, config,
                     "train.yaml:" + std::to_string(line) + ": ",
                     "signal 'bogus_sensor' is not in the readings");
}

TEST_F(EdgeloopBadInput, EventWithNanTime) {
  const std::string events =
      "time,asset,kind,failure_mode\n"
      "2026-01-02T00:00:00Z,P001,inspection,\n"
      "nan,P002,failure,bearing_wear\n"
      "2026-01-02T12:00:00Z,P002,repair,\n";
  ExpectTrainRejects(GoodReadings(), events, "events.csv:3: ", "column time");
  ExpectImportRejects(GoodReadings(), events, "events.csv:3: ", "column time");
}

TEST_F(EdgeloopBadInput, EventWithUnknownKind) {
  const std::string events =
      "time,asset,kind,failure_mode\n"
      "2026-01-02T00:00:00Z,P001,inspection,\n"
      "2026-01-02T06:00:00Z,P002,explosion,bearing_wear\n"
      "2026-01-02T12:00:00Z,P002,repair,\n";
  ExpectTrainRejects(GoodReadings(), events, "events.csv:3: ", "unknown event kind 'explosion'");
  ExpectImportRejects(GoodReadings(), events, "events.csv:3: ", "unknown event kind 'explosion'");
}

TEST_F(EdgeloopBadInput, EventWithoutAsset) {
  // The asset is what ties a failure to the windows it labels.
  const std::string events =
      "time,asset,kind,failure_mode\n"
      "2026-01-02T00:00:00Z,P001,inspection,\n"
      "2026-01-02T06:00:00Z,P002,failure,bearing_wear\n"
      "2026-01-02T12:00:00Z,,failure,seal_leak\n";
  ExpectTrainRejects(GoodReadings(), events, "events.csv:4: ", "empty asset");
  ExpectImportRejects(GoodReadings(), events, "events.csv:4: ", "empty asset");
}

}  // namespace
}  // namespace edgeloop::cli_test
