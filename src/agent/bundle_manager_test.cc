#include "agent/bundle_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "agent/testing/agent_testing.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "base/sha256.h"

namespace edgeloop::agent {
namespace {

using ::testing::HasSubstr;
using testing::BuildTestBundle;
using testing::TempDir;
using testing::TrustedKeys;

std::string Bundle(int64_t version, uint64_t key_seed = testing::kKeySeed) {
  Result<std::string> bytes = BuildTestBundle(version, key_seed);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : "";
}

class BundleManagerTest : public ::testing::Test {
 protected:
  BundleManagerTest() : clock_(testing::kStartMs), manager_(fs_, dir_.path(), TrustedKeys(), clock_) {}

  BundleState State() {
    Result<BundleState> s = manager_.ReadState();
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : BundleState{};
  }
  InstallOutcome Install(const std::string& bytes, const InstallOptions& options = {}) {
    Result<InstallOutcome> r = manager_.Install(bytes, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : InstallOutcome{};
  }
  // The bundle files (*.elb) in bundles/, not counting staging.
  std::vector<std::string> BundleFiles() {
    std::vector<std::string> out;
    Result<std::vector<std::string>> names = fs_.ListDir(manager_.dir());
    if (!names.ok()) return out;
    for (const std::string& n : *names) {
      if (n.size() > 4 && n.substr(n.size() - 4) == ".elb") out.push_back(n);
    }
    return out;
  }
  std::vector<std::string> Staged() {
    Result<std::vector<std::string>> names = fs_.ListDir(manager_.dir() + "/staging");
    return names.ok() ? *names : std::vector<std::string>{};
  }

  TempDir dir_;
  PosixFileSystem fs_;
  SimulatedClock clock_;
  BundleManager manager_;
};

TEST_F(BundleManagerTest, FreshDeviceHasNothing) {
  BundleState s = State();
  EXPECT_EQ(s.active, "");
  EXPECT_EQ(s.previous, "");
  EXPECT_EQ(s.generation, 0);
  Result<std::shared_ptr<const ActiveModel>> model = manager_.LoadActive();
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kNotFound);
}

TEST_F(BundleManagerTest, FirstInstallIsActiveOnProbationGenerationOne) {
  const std::string v3 = Bundle(3);
  InstallOutcome out = Install(v3);
  EXPECT_EQ(out.digest, Sha256Hex(v3));
  EXPECT_EQ(out.name, "pump-failure");
  EXPECT_EQ(out.version, 3);
  EXPECT_FALSE(out.already_active);
  EXPECT_EQ(out.replaced, "");
  BundleState s = State();
  EXPECT_EQ(s.active, out.digest);
  EXPECT_EQ(s.active_name, "pump-failure");
  EXPECT_EQ(s.active_version, 3);
  EXPECT_EQ(s.previous, "");
  EXPECT_TRUE(s.on_probation);
  EXPECT_EQ(s.generation, 1);
  EXPECT_EQ(s.changed_ms, testing::kStartMs);
  EXPECT_THAT(s.last_change, HasSubstr("pump-failure v3"));
  EXPECT_TRUE(fs_.Exists(manager_.BundlePath(out.digest)));
  EXPECT_TRUE(Staged().empty());

  Result<std::shared_ptr<const ActiveModel>> model = manager_.LoadActive();
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->digest, out.digest);
  EXPECT_EQ((*model)->version(), 3);
  EXPECT_EQ((*model)->threshold, 0.62);
}

TEST_F(BundleManagerTest, InstallingTheActiveBundleAgainChangesNothing) {
  const std::string v3 = Bundle(3);
  Install(v3);
  InstallOutcome again = Install(v3);
  EXPECT_TRUE(again.already_active);
  EXPECT_EQ(State().generation, 1);
  EXPECT_TRUE(Staged().empty());
}

TEST_F(BundleManagerTest, NewerInstallKeepsThePreviousOne) {
  InstallOutcome first = Install(Bundle(3));
  clock_.Advance(1000);
  InstallOutcome second = Install(Bundle(4));
  EXPECT_EQ(second.replaced, first.digest);
  BundleState s = State();
  EXPECT_EQ(s.active, second.digest);
  EXPECT_EQ(s.active_version, 4);
  EXPECT_EQ(s.previous, first.digest);
  EXPECT_EQ(s.previous_name, "pump-failure");
  EXPECT_EQ(s.previous_version, 3);
  EXPECT_TRUE(s.on_probation);
  EXPECT_EQ(s.generation, 2);
  EXPECT_EQ(s.changed_ms, testing::kStartMs + 1000);
  EXPECT_EQ(BundleFiles().size(), 2u);
}

TEST_F(BundleManagerTest, OlderInstallIsRefusedNamingBothVersionsUnlessARollback) {
  Install(Bundle(4));
  const std::string v3 = Bundle(3);
  Result<InstallOutcome> refused = manager_.Install(v3);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("v3"));
  EXPECT_THAT(refused.status().message(), HasSubstr("v4"));
  EXPECT_EQ(State().generation, 1);
  EXPECT_EQ(State().active_version, 4);
  EXPECT_TRUE(Staged().empty());

  InstallOutcome rolled = Install(v3, InstallOptions{true, "rollback ordered"});
  EXPECT_EQ(rolled.version, 3);
  BundleState s = State();
  EXPECT_EQ(s.active_version, 3);
  EXPECT_EQ(s.previous_version, 4);
  EXPECT_THAT(s.last_change, HasSubstr("rollback ordered"));
}

TEST_F(BundleManagerTest, UntrustedSignerIsPermissionDeniedAndChangesNothing) {
  Install(Bundle(3));
  const BundleState before = State();
  Result<InstallOutcome> r = manager_.Install(Bundle(4, /*key_seed=*/99));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied) << r.status().ToString();
  const BundleState after = State();
  EXPECT_EQ(after.ToJson(), before.ToJson());
  EXPECT_TRUE(Staged().empty());
  EXPECT_EQ(BundleFiles().size(), 1u);
}

TEST_F(BundleManagerTest, AFlippedByteIsDataLossAndLeavesNothingStaged) {
  Install(Bundle(3));
  const BundleState before = State();
  const std::string good = Bundle(4);
  for (size_t at : {good.size() / 3, good.size() / 2, good.size() - 200}) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    Result<InstallOutcome> r = manager_.Install(bad);
    ASSERT_FALSE(r.ok()) << "byte " << at;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << "byte " << at << ": " << r.status().ToString();
    EXPECT_TRUE(Staged().empty()) << "byte " << at;
  }
  EXPECT_EQ(State().ToJson(), before.ToJson());
  EXPECT_EQ(BundleFiles().size(), 1u);
}

TEST_F(BundleManagerTest, RollBackReturnsToThePreviousAndRejectsTheFailedOne) {
  InstallOutcome v3 = Install(Bundle(3));
  const std::string v4_bytes = Bundle(4);
  InstallOutcome v4 = Install(v4_bytes);
  ASSERT_TRUE(manager_.RollBack(v4.digest, "probation failed: test").ok());
  BundleState s = State();
  EXPECT_EQ(s.active, v3.digest);
  EXPECT_EQ(s.active_version, 3);
  EXPECT_EQ(s.previous, "");
  EXPECT_FALSE(s.on_probation);
  EXPECT_EQ(s.rejected, std::vector<std::string>{v4.digest});
  EXPECT_EQ(s.generation, 3);
  EXPECT_THAT(s.last_change, HasSubstr("probation failed: test"));
  Result<std::shared_ptr<const ActiveModel>> model = manager_.LoadActive();
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->digest, v3.digest);
  EXPECT_EQ(BundleFiles(), std::vector<std::string>{v3.digest + ".elb"});

  // The rejected bundle does not come back on its own, even though it is newer...
  Result<InstallOutcome> again = manager_.Install(v4_bytes);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr("rejected"));
  EXPECT_EQ(State().active, v3.digest);
  EXPECT_TRUE(Staged().empty());
  // ... only when an operator orders it, which also lifts the rejection.
  InstallOutcome forced = Install(v4_bytes, InstallOptions{true, "operator"});
  EXPECT_EQ(forced.digest, v4.digest);
  EXPECT_EQ(State().active, v4.digest);
  EXPECT_TRUE(State().rejected.empty());
}

TEST_F(BundleManagerTest, RollBackNeedsTheActiveDigestAndAPrevious) {
  InstallOutcome v3 = Install(Bundle(3));
  Status no_previous = manager_.RollBack(v3.digest, "why");
  EXPECT_EQ(no_previous.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(no_previous.message(), HasSubstr("no previous bundle"));
  Install(Bundle(4));
  Status not_active = manager_.RollBack(v3.digest, "why");
  EXPECT_EQ(not_active.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(not_active.message(), HasSubstr("not active"));
  EXPECT_EQ(State().generation, 2);
}

TEST_F(BundleManagerTest, PassProbationEndsProbationOnce) {
  InstallOutcome v3 = Install(Bundle(3));
  ASSERT_TRUE(manager_.PassProbation(v3.digest).ok());
  BundleState s = State();
  EXPECT_FALSE(s.on_probation);
  EXPECT_EQ(s.generation, 2);
  EXPECT_THAT(s.last_change, HasSubstr("probation passed"));
  // Again, or for a digest that is not active: no change.
  ASSERT_TRUE(manager_.PassProbation(v3.digest).ok());
  ASSERT_TRUE(manager_.PassProbation(std::string(64, '0')).ok());
  EXPECT_EQ(State().generation, 2);
  InstallOutcome v4 = Install(Bundle(4));
  ASSERT_TRUE(manager_.PassProbation(v3.digest).ok());
  EXPECT_TRUE(State().on_probation);
  EXPECT_EQ(State().active, v4.digest);
}

TEST_F(BundleManagerTest, LoadActiveFallsBackWhenTheActiveFileIsCorrupted) {
  InstallOutcome v3 = Install(Bundle(3));
  InstallOutcome v4 = Install(Bundle(4));
  const std::string path = manager_.BundlePath(v4.digest);
  Result<std::string> bytes = fs_.ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  std::string bad = *bytes;
  bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x40);
  ASSERT_TRUE(fs_.WriteFileAtomic(path, bad).ok());

  Result<std::shared_ptr<const ActiveModel>> model = manager_.LoadActive();
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->digest, v3.digest);
  EXPECT_EQ((*model)->version(), 3);
  BundleState s = State();
  EXPECT_EQ(s.active, v3.digest);
  EXPECT_EQ(s.rejected, std::vector<std::string>{v4.digest});
  EXPECT_THAT(s.last_change, HasSubstr("failed verification at load"));
  EXPECT_FALSE(fs_.Exists(path));  // pruned
}

TEST_F(BundleManagerTest, LoadActiveFailsWhenNothingVerifies) {
  InstallOutcome v3 = Install(Bundle(3));
  ASSERT_TRUE(fs_.WriteFileAtomic(manager_.BundlePath(v3.digest), "garbage").ok());
  Result<std::shared_ptr<const ActiveModel>> model = manager_.LoadActive();
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kDataLoss) << model.status().ToString();
  EXPECT_EQ(State().active, v3.digest);  // nothing to fall back to: state unchanged
}

TEST_F(BundleManagerTest, PruneKeepsOnlyActiveAndPrevious) {
  Install(Bundle(3));
  InstallOutcome v4 = Install(Bundle(4));
  InstallOutcome v5 = Install(Bundle(5));
  std::vector<std::string> files = BundleFiles();
  std::sort(files.begin(), files.end());
  std::vector<std::string> expected = {v4.digest + ".elb", v5.digest + ".elb"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(files, expected);
  EXPECT_EQ(State().generation, 3);
}

TEST_F(BundleManagerTest, InstallFileReadsTheBundleFromDisk) {
  const std::string path = dir_.File("incoming.elb");
  ASSERT_TRUE(fs_.WriteFileAtomic(path, Bundle(3)).ok());
  Result<InstallOutcome> r = manager_.InstallFile(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, 3);
  Result<InstallOutcome> missing = manager_.InstallFile(dir_.File("nope.elb"));
  ASSERT_FALSE(missing.ok());
}

TEST_F(BundleManagerTest, ASecondManagerSeesTheSameState) {
  InstallOutcome v3 = Install(Bundle(3));
  BundleManager other(fs_, dir_.path(), TrustedKeys(), clock_);
  Result<BundleState> s = other.ReadState();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->active, v3.digest);
  InstallOutcome v4 = Install(Bundle(4));
  s = other.ReadState();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->active, v4.digest);
  EXPECT_EQ(s->generation, 2);
}

TEST(BundleState, JsonRoundTrips) {
  BundleState s;
  s.active = std::string(64, 'a');
  s.previous = std::string(64, 'b');
  s.active_name = "pump";
  s.active_version = 9;
  s.previous_name = "pump";
  s.previous_version = 8;
  s.on_probation = true;
  s.rejected = {std::string(64, 'c'), std::string(64, 'd')};
  s.generation = 17;
  s.changed_ms = 123;
  s.last_change = "installed: x";
  Result<BundleState> back = BundleState::Parse(s.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToJson(), s.ToJson());
  EXPECT_EQ(back->rejected, s.rejected);
  EXPECT_EQ(back->generation, 17);

  Result<BundleState> bad = BundleState::Parse(R"({"active":"a"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("bundles/state.json: previous: missing"));
}

}  // namespace
}  // namespace edgeloop::agent
