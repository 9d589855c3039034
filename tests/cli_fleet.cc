#include "cli_fleet.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/file_system.h"

namespace edgeloop::cli_test {

std::vector<std::string> SmallFleetFlags() {
  return {"--assets", "8", "--days", "60", "--period", "10m", "--seed", "3"};
}

SimulatedFleet SimulateFleet(const std::string& parent,
                             const std::vector<std::string>& size_flags) {
  SimulatedFleet fleet;
  fleet.dir = parent + "/fleet";
  std::vector<std::string> args = {"sim"};
  args.insert(args.end(), size_flags.begin(), size_flags.end());
  args.insert(args.end(), {"--out", fleet.dir, "--json"});
  fleet.sim = RunEdgeloop(args, parent);
  const nlohmann::json doc = JsonOut(fleet.sim);
  if (fleet.sim.exit_code == 0 && doc.is_object()) {
    fleet.failures = doc.value(nlohmann::json::json_pointer("/failures/total"), 0);
    fleet.rows = doc.value("rows", 0LL);
  }
  return fleet;
}

std::string SmallTrainConfig(const std::string& data_body, const std::string& extra_signal) {
  std::string text =
      "# A small and quick version of examples/train.yaml, written by el_cli_tests.\n"
      "data:\n" +
      data_body +
      "features:\n"
      "  window: {length: 12h, hop: 2h}\n"
      "  period: 10m\n"
      "  min_coverage: 0.5\n"
      "  signals:\n"
      "    - {name: discharge_pressure, unit: bar,  range: [0, 60],    functions: [mean, std, "
      "slope]}\n"
      "    - {name: flow,               unit: m3/h, range: [0, 400],   functions: [mean, slope]}\n"
      "    - {name: motor_current,      unit: A,    range: [0, 400],   functions: [mean, max]}\n"
      "    - {name: bearing_temp,       unit: degC, range: [-30, 180], functions: [mean, slope]}\n"
      "    - {name: vib_de_rms,         unit: mm/s, range: [0, 50],    functions: [mean, max, "
      "kurtosis, slope]}\n";
  if (!extra_signal.empty()) text += "    - " + extra_signal + "\n";
  text +=
      "training:\n"
      "  task: classification\n"
      "  horizon: 72h\n"
      "  split: {by: time, test_fraction: 0.3}\n"
      "  validation_fraction: 0.2\n"
      "  threshold: {policy: cost, missed_failure_cost: 10, false_alarm_cost: 1}\n"
      "  alert: {k: 2, n: 3, cooldown: 24h}\n"
      "  xgboost: {num_rounds: 40, max_depth: 4, eta: 0.2, subsample: 0.8, colsample_bytree: 0.8, "
      "seed: 7, nthread: 2}\n"
      "model:\n"
      "  name: pump-failure\n"
      "  alias: challenger\n";
  return text;
}

int LineContaining(const std::string& text, const std::string& needle) {
  const std::vector<std::string> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find(needle) != std::string::npos) return static_cast<int>(i) + 1;
  }
  return 0;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

std::string ReadText(const std::string& path) {
  PosixFileSystem fs;
  Result<std::string> text = fs.ReadFile(path);
  if (!text.ok()) {
    ADD_FAILURE() << "reading " << path << ": " << text.status().ToString();
    return "";
  }
  return *text;
}

bool WriteText(const std::string& path, const std::string& text) {
  PosixFileSystem fs;
  Status status = fs.CreateDirs(DirName(path));
  if (status.ok()) status = fs.WriteFileAtomic(path, text);
  if (!status.ok()) {
    ADD_FAILURE() << "writing " << path << ": " << status.ToString();
    return false;
  }
  return true;
}

size_t CountFiles(const std::string& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return 0;
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, error)) {
    if (entry.is_regular_file(error)) ++files;
  }
  return files;
}

void ExpectEmptyWorkspace(const std::string& home, const std::string& cwd) {
  const std::string absolute = home.starts_with("/") ? home : cwd + "/" + home;
  if (!std::filesystem::exists(absolute)) return;

  const CommandResult runs =
      RunEdgeloop({"runs", "list", "--limit", "0", "--json", "--home", home}, cwd);
  ASSERT_EQ(runs.exit_code, 0) << runs.Describe();
  EXPECT_EQ(JsonOut(runs), nlohmann::json::parse(R"({"runs": []})")) << runs.Describe();

  const CommandResult models = RunEdgeloop({"models", "list", "--json", "--home", home}, cwd);
  ASSERT_EQ(models.exit_code, 0) << models.Describe();
  EXPECT_EQ(JsonOut(models), nlohmann::json::parse(R"({"models": []})")) << models.Describe();

  const CommandResult datasets = RunEdgeloop({"data", "list", "--json", "--home", home}, cwd);
  ASSERT_EQ(datasets.exit_code, 0) << datasets.Describe();
  EXPECT_EQ(JsonOut(datasets), nlohmann::json::parse(R"({"datasets": []})")) << datasets.Describe();

  EXPECT_EQ(CountFiles(absolute + "/artifacts"), 0u)
      << "the artifact store of " << absolute << " is not empty";
}

}  // namespace edgeloop::cli_test
