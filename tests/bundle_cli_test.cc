// Bundles from the command line: keys generate -> bundle build from a trained version -> verify,
// and the ways verification must fail (a changed byte, an untrusted key).
#include <gtest/gtest.h>

#include "cli_fleet.h"
#include "cli_runner.h"

namespace edgeloop::cli_test {
namespace {

using nlohmann::json;

class EdgeloopBundle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new TempDir("bundle");
    const SimulatedFleet fleet = SimulateFleet(root_->path(), SmallFleetFlags());
    ASSERT_EQ(fleet.sim.exit_code, 0) << fleet.sim.Describe();
    ASSERT_TRUE(WriteText(root_->path() + "/train.yaml",
                          SmallTrainConfig("  dir: " + fleet.dir + "\n")));
    const CommandResult train =
        RunEdgeloop({"train", "--config", "train.yaml", "--home", "home"}, root_->path());
    ASSERT_EQ(train.exit_code, 0) << train.Describe();
    const CommandResult keys =
        RunEdgeloop({"keys", "generate", "--out", "keys/release"}, root_->path());
    ASSERT_EQ(keys.exit_code, 0) << keys.Describe();
  }
  static void TearDownTestSuite() {
    delete root_;
    root_ = nullptr;
  }
  static std::string Dir() { return root_->path(); }
  static CommandResult Build(const std::string& out) {
    return RunEdgeloop({"bundle", "build", "--model", "pump-failure@challenger", "--key",
                        "keys/release.key", "-o", out, "--home", "home", "--json"},
                       Dir());
  }

  static TempDir* root_;
};

TempDir* EdgeloopBundle::root_ = nullptr;

TEST_F(EdgeloopBundle, BuiltBundleVerifiesWithTheTrustedKeyAndIsDeterministic) {
  const CommandResult built = Build("a.elb");
  ASSERT_EQ(built.exit_code, 0) << built.Describe();
  const CommandResult verify =
      RunEdgeloop({"bundle", "verify", "a.elb", "--trust", "keys/release.pub", "--json"}, Dir());
  ASSERT_EQ(verify.exit_code, 0) << verify.Describe();
  const json doc = JsonOut(verify);
  EXPECT_TRUE(doc["verified"].get<bool>());
  EXPECT_EQ(doc["digest"], JsonOut(built)["digest"]);
  EXPECT_EQ(doc["manifest"]["name"], "pump-failure");
  EXPECT_FALSE(doc["manifest"]["input_schema"].empty());
  // Every feature's training distribution rides along as the drift reference.
  EXPECT_EQ(doc["manifest"]["reference_histograms"].get<size_t>(),
            doc["manifest"]["input_schema"].size());

  ASSERT_EQ(Build("b.elb").exit_code, 0);
  EXPECT_EQ(ReadText(Dir() + "/a.elb"), ReadText(Dir() + "/b.elb"));
}

TEST_F(EdgeloopBundle, AChangedByteIsRejectedNamingTheCheck) {
  ASSERT_EQ(Build("c.elb").exit_code, 0);
  std::string bytes = ReadText(Dir() + "/c.elb");
  ASSERT_GT(bytes.size(), 600u);
  bytes[bytes.size() / 2] ^= 0x01;
  ASSERT_TRUE(WriteText(Dir() + "/tampered.elb", bytes));
  const CommandResult verify =
      RunEdgeloop({"bundle", "verify", "tampered.elb", "--trust", "keys/release.pub"}, Dir());
  EXPECT_NE(verify.exit_code, 0) << verify.Describe();
  EXPECT_NE(verify.err.find("tampered.elb: bundle "), std::string::npos) << verify.Describe();
}

TEST_F(EdgeloopBundle, AnUntrustedKeyIsRefusedWithExitCode4) {
  ASSERT_EQ(Build("d.elb").exit_code, 0);
  ASSERT_EQ(RunEdgeloop({"keys", "generate", "--out", "keys/other"}, Dir()).exit_code, 0);
  const CommandResult verify =
      RunEdgeloop({"bundle", "verify", "d.elb", "--trust", "keys/other.pub"}, Dir());
  EXPECT_EQ(verify.exit_code, 4) << verify.Describe();
  EXPECT_NE(verify.err.find("does not verify with any trusted key"), std::string::npos)
      << verify.Describe();
}

TEST_F(EdgeloopBundle, KeysAreNeverOverwritten) {
  const CommandResult again =
      RunEdgeloop({"keys", "generate", "--out", "keys/release"}, Dir());
  EXPECT_EQ(again.exit_code, 7) << again.Describe();
}

}  // namespace
}  // namespace edgeloop::cli_test
