// --help of every command, and what unknown flags do.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_fleet.h"
#include "cli_runner.h"

namespace edgeloop::cli_test {
namespace {

// Every command and subcommand of `edgeloop`, as typed after the binary's name.
const std::vector<std::vector<std::string>> kCommands = {
    {},
    {"init"},
    {"sim"},
    {"sim", "serve"},
    {"data"},
    {"data", "import"},
    {"data", "list"},
    {"train"},
    {"runs"},
    {"runs", "list"},
    {"runs", "show"},
    {"runs", "reproduce"},
    {"models"},
    {"models", "list"},
    {"models", "show"},
    {"models", "alias"},
    {"models", "import"},
    {"eval"},
    {"eval", "cmapss"},
    {"eval", "skab"},
    {"eval", "skab-metrics"},
    {"keys"},
    {"keys", "generate"},
    {"bundle"},
    {"bundle", "build"},
    {"bundle", "verify"},
    {"bundle", "inspect"},
    {"bundle", "validate"},
    {"bundle", "upload"},
    {"score"},
    {"bench"},
    {"bench", "scoring"},
    {"server"},
    {"devices"},
    {"devices", "provision"},
    {"devices", "list"},
    {"devices", "show"},
    {"devices", "set-desired"},
    {"tokens"},
    {"tokens", "create"},
    {"tokens", "list"},
    {"tokens", "revoke"},
};

const std::vector<std::vector<std::string>> kLeafCommands = {
    {"init"},
    {"sim"},
    {"sim", "serve"},
    {"data", "import"},
    {"data", "list"},
    {"train"},
    {"runs", "list"},
    {"runs", "show"},
    {"runs", "reproduce"},
    {"models", "list"},
    {"models", "show"},
    {"models", "alias"},
    {"models", "import"},
    {"eval", "cmapss"},
    {"eval", "skab"},
    {"eval", "skab-metrics"},
    {"keys", "generate"},
    {"bundle", "build"},
    {"bundle", "verify"},
    {"bundle", "inspect"},
    {"bundle", "validate"},
    {"bundle", "upload"},
    {"score"},
    {"bench", "scoring"},
    {"server"},
    {"tokens", "create"},
    {"tokens", "list"},
    {"tokens", "revoke"},
    {"devices", "provision"},
    {"devices", "list"},
    {"devices", "show"},
    {"devices", "set-desired"},
};

std::string Spelled(const std::vector<std::string>& command) {
  std::string text = "edgeloop";
  for (const std::string& word : command) text += " " + word;
  return text;
}

// Lines of `help` after its "Example:" / "Examples:" heading that run edgeloop.
std::vector<std::string> ExampleLines(const std::string& help) {
  std::vector<std::string> examples;
  bool in_examples = false;
  for (const std::string& line : SplitLines(help)) {
    if (line.starts_with("Example")) {
      in_examples = true;
    } else if (in_examples && line.starts_with("  edgeloop ")) {
      examples.push_back(line.substr(2));
    } else if (in_examples && line.empty()) {
      in_examples = false;
    }
  }
  return examples;
}

TEST(EdgeloopHelp, EveryCommandExitsZeroWithUsageAndAnExample) {
  TempDir dir("help");
  for (const std::vector<std::string>& command : kCommands) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    const CommandResult help = RunEdgeloop(args, dir.path());
    EXPECT_EQ(help.exit_code, 0) << help.Describe();
    EXPECT_NE(help.out.find("Usage: " + Spelled(command)), std::string::npos) << help.Describe();
    EXPECT_FALSE(ExampleLines(help.out).empty()) << "no example line\n" << help.Describe();
  }
}

// README.md: "Every command has --help with examples". A command's examples should show that
// command, not only the top-level ones it inherits.
TEST(EdgeloopHelp, EveryCommandShowsAnExampleOfItself) {
  TempDir dir("help");
  for (const std::vector<std::string>& command : kCommands) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    const CommandResult help = RunEdgeloop(args, dir.path());
    ASSERT_EQ(help.exit_code, 0) << help.Describe();
    bool shown = false;
    for (const std::string& example : ExampleLines(help.out)) {
      shown |= (example + " ").starts_with(Spelled(command) + " ");
    }
    EXPECT_TRUE(shown) << "no example of `" << Spelled(command) << "`\n" << help.Describe();
  }
}

TEST(EdgeloopHelp, UnknownFlagExitsTwoOnEveryCommand) {
  TempDir dir("flags");
  for (const std::vector<std::string>& command : kLeafCommands) {
    std::vector<std::string> args = command;
    args.push_back("--no-such-flag");
    const CommandResult run = RunEdgeloop(args, dir.path());
    EXPECT_EQ(run.exit_code, 2) << run.Describe();
    EXPECT_TRUE(run.out.empty()) << run.Describe();
    EXPECT_FALSE(run.err.empty()) << run.Describe();
  }
  EXPECT_EQ(CountFiles(dir.path()), 0u) << "a rejected command wrote files";
}

TEST(EdgeloopHelp, UnknownFlagIsNamedAndNothingRuns) {
  TempDir dir("flag");
  ASSERT_TRUE(WriteText(dir.Sub("train.yaml"), SmallTrainConfig("  dir: fleet\n")));
  const CommandResult train = RunEdgeloop(
      {"train", "--config", "train.yaml", "--home", "home", "--no-such-flag"}, dir.path());
  EXPECT_EQ(train.exit_code, 2) << train.Describe();
  EXPECT_NE(train.err.find("--no-such-flag"), std::string::npos) << train.Describe();
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("home"))) << "train ran despite the bad flag";

  const CommandResult sim = RunEdgeloop({"sim", "--out", "fleet", "--asets", "3"}, dir.path());
  EXPECT_EQ(sim.exit_code, 2) << sim.Describe();
  EXPECT_NE(sim.err.find("--asets"), std::string::npos) << sim.Describe();
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("fleet"))) << "sim ran despite the bad flag";
}

TEST(EdgeloopHelp, MissingSubcommandExitsTwo) {
  TempDir dir("missing");
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{}, {"data"}, {"runs"}, {"models"}}) {
    const CommandResult run = RunEdgeloop(command, dir.path());
    EXPECT_EQ(run.exit_code, 2) << run.Describe();
  }
}

}  // namespace
}  // namespace edgeloop::cli_test
