#include "agent/edge_agent.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "agent/offline_scoring.h"
#include "agent/testing/agent_testing.h"
#include "api/records.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "base/log.h"
#include "io/csv_replay_source.h"

namespace edgeloop::agent {
namespace {

using testing::TempDir;

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

using WindowKey = std::pair<std::string, int64_t>;  // (asset, window end)

class EdgeAgentTest : public ::testing::Test {
 protected:
  EdgeAgentTest()
      : clock_(testing::kStartMs),
        log_(LogLevel::kOff),
        bundles_(fs_, dir_.path(), testing::TrustedKeys(), clock_),
        readings_(testing::TestReadings(2, 72, 9)) {
    Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(dir_.File("outbox.db"), {});
    EXPECT_TRUE(outbox.ok()) << outbox.status().ToString();
    if (outbox.ok()) outbox_ = std::move(outbox).value();
    options_.device_id = "gw-test";
  }

  // Installs model `version` (with `right_leaf` to change its scores); returns its digest.
  std::string Install(int64_t version, double right_leaf = 1.1, bool pass_probation = false) {
    Result<std::string> bytes = testing::BuildTestBundle(version, testing::kKeySeed, right_leaf);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    if (!bytes.ok()) return "";
    Result<InstallOutcome> out = bundles_.Install(*bytes);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    if (!out.ok()) return "";
    if (pass_probation) {
      EXPECT_TRUE(bundles_.PassProbation(out->digest).ok());
    }
    return out->digest;
  }

  std::shared_ptr<const ActiveModel> Model(int64_t version, double right_leaf = 1.1) {
    Result<std::string> bytes = testing::BuildTestBundle(version, testing::kKeySeed, right_leaf);
    EXPECT_TRUE(bytes.ok());
    Result<std::shared_ptr<const ActiveModel>> model = testing::LoadTestModel(*bytes);
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    return model.ok() ? *model : nullptr;
  }

  std::unique_ptr<EdgeAgent> NewAgent() {
    auto agent = std::make_unique<EdgeAgent>(options_, clock_, *outbox_, bundles_, log_);
    // Everything at once (speed 0), 50 rows per poll, so a replay takes many turns.
    Result<io::CsvReplaySource> source = io::CsvReplaySource::FromData(readings_, {}, 0, 50);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    if (source.ok()) agent->AddSource(std::make_unique<io::CsvReplaySource>(std::move(*source)), false);
    return agent;
  }

  // Runs `turns` turns (or until the sources are done when turns < 0), advancing the clock.
  // Returns the number of turns taken.
  int Run(EdgeAgent& agent, int turns = -1) {
    int taken = 0;
    while (turns < 0 || taken < turns) {
      Result<std::optional<int64_t>> next = agent.RunOnce();
      EXPECT_TRUE(next.ok()) << next.status().ToString();
      ++taken;
      if (!next.ok() || !next->has_value()) break;
      clock_.Set(std::max(**next, clock_.NowMillis() + 1000));
      if (taken > 10'000) {
        ADD_FAILURE() << "the replay does not end";
        break;
      }
    }
    return taken;
  }

  std::vector<StoredRecord> Records() {
    Result<std::vector<StoredRecord>> r = outbox_->ReadAfter(0, 10'000'000);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<StoredRecord>{};
  }

  std::map<WindowKey, api::ScoreRecord> Scores() {
    std::map<WindowKey, api::ScoreRecord> out;
    for (const StoredRecord& r : Records()) {
      if (r.entry.kind != api::RecordKind::kScore) continue;
      Result<api::ScoreRecord> s = api::ParseScoreRecord(r.entry.body);
      EXPECT_TRUE(s.ok()) << s.status().ToString();
      if (s.ok()) out.emplace(WindowKey{s->asset, s->window_end_ms}, *s);
    }
    return out;
  }

  std::set<WindowKey> Windows(api::RecordKind kind) {
    std::set<WindowKey> out;
    for (const StoredRecord& r : Records()) {
      if (r.entry.kind == kind) out.insert({r.entry.asset, r.entry.time_ms});
    }
    return out;
  }

  std::vector<OfflineScore> Offline(const std::shared_ptr<const ActiveModel>& model) {
    Result<std::vector<OfflineScore>> s = ScoreReadings(model, readings_, {}, clock_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : std::vector<OfflineScore>{};
  }

  BundleState State() {
    Result<BundleState> s = bundles_.ReadState();
    EXPECT_TRUE(s.ok());
    return s.ok() ? *s : BundleState{};
  }

  TempDir dir_;
  PosixFileSystem fs_;
  SimulatedClock clock_;
  Logger log_;
  BundleManager bundles_;
  std::unique_ptr<Outbox> outbox_;
  EdgeAgentOptions options_;
  std::vector<AssetReadings> readings_;
};

TEST_F(EdgeAgentTest, ReplayWritesWhatOfflineScoringGivesBitForBit) {
  const std::string digest = Install(3);
  std::unique_ptr<EdgeAgent> agent = NewAgent();
  ASSERT_TRUE(agent->Start().ok());
  EXPECT_GT(Run(*agent), 10);
  ASSERT_TRUE(agent->Drain().ok());

  const std::vector<OfflineScore> offline = Offline(Model(3));
  ASSERT_GT(offline.size(), 100u);
  std::map<WindowKey, api::ScoreRecord> scores = Scores();
  std::set<WindowKey> expected_windows;
  size_t scored = 0;
  for (const OfflineScore& o : offline) {
    expected_windows.insert({o.asset, o.time_ms});
    auto it = scores.find({o.asset, o.time_ms});
    if (!o.scored) {
      EXPECT_EQ(it, scores.end()) << o.asset << " " << o.time_ms;
      continue;
    }
    ++scored;
    ASSERT_NE(it, scores.end()) << o.asset << " " << o.time_ms;
    EXPECT_TRUE(SameBits(it->second.score, o.score)) << o.asset << " " << o.time_ms;
    EXPECT_EQ(it->second.bundle_digest, digest);
    EXPECT_EQ(it->second.model_version, 3);
    EXPECT_EQ(it->second.threshold, 0.62);
  }
  EXPECT_EQ(scores.size(), scored);
  EXPECT_EQ(Windows(api::RecordKind::kFeatures), expected_windows);

  // The alerts are the offline alerts, window for window.
  std::vector<std::tuple<std::string, int64_t, std::string, std::string>> expected_alerts, alerts;
  for (const OfflineScore& o : offline) {
    if (!o.alert.empty()) expected_alerts.emplace_back(o.asset, o.time_ms, o.alert, o.alert_id);
  }
  for (const StoredRecord& r : Records()) {
    if (r.entry.kind != api::RecordKind::kAlert) continue;
    Result<api::AlertRecord> a = api::ParseAlertRecord(r.entry.body);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    alerts.emplace_back(a->asset, a->time_ms, std::string(api::AlertStateName(a->state)), a->alert_id);
  }
  std::sort(expected_alerts.begin(), expected_alerts.end());
  std::sort(alerts.begin(), alerts.end());
  EXPECT_FALSE(expected_alerts.empty());
  EXPECT_EQ(alerts, expected_alerts);

  AgentSnapshot s = agent->Snapshot();
  EXPECT_EQ(s.device_id, "gw-test");
  EXPECT_EQ(s.bundle_digest, digest);
  EXPECT_EQ(s.bundle_version, 3);
  EXPECT_EQ(s.bundle_switches, 0);
  EXPECT_EQ(s.rows_total, 2 * 72 * 6);
  EXPECT_EQ(s.rows_rejected, 0);
  EXPECT_EQ(s.windows_total, static_cast<int64_t>(offline.size()));
  EXPECT_EQ(s.scores_total, static_cast<int64_t>(scored));
  EXPECT_EQ(s.assets, 2);
  EXPECT_EQ(s.outbox.pending_records, static_cast<int64_t>(Records().size()));
  // Probation watched 20 healthy windows and ended.
  EXPECT_FALSE(s.on_probation);
  EXPECT_FALSE(State().on_probation);

  // Checkpoints: each asset's last window.
  Result<std::map<std::string, int64_t>> cps = outbox_->Checkpoints();
  ASSERT_TRUE(cps.ok());
  for (const AssetReadings& r : readings_) {
    int64_t last = 0;
    for (const OfflineScore& o : offline) {
      if (o.asset == r.asset) last = std::max(last, o.time_ms);
    }
    EXPECT_EQ(cps->at(r.asset), last) << r.asset;
  }
}

TEST_F(EdgeAgentTest, RestartInTheMiddleNeitherDuplicatesNorLoses) {
  Install(3, 1.1, /*pass_probation=*/true);
  {
    std::unique_ptr<EdgeAgent> first = NewAgent();
    ASSERT_TRUE(first->Start().ok());
    Run(*first, 8);  // about half of the replay, then the process dies (no Drain)
    ASSERT_GT(Records().size(), 0u);
  }
  const size_t before = Records().size();
  std::unique_ptr<EdgeAgent> second = NewAgent();  // replays from the start again
  ASSERT_TRUE(second->Start().ok());
  Run(*second);
  ASSERT_TRUE(second->Drain().ok());
  EXPECT_GT(Records().size(), before);

  std::set<std::tuple<int, std::string, int64_t>> seen;
  for (const StoredRecord& r : Records()) {
    EXPECT_TRUE(seen.insert({static_cast<int>(r.entry.kind), r.entry.asset, r.entry.time_ms}).second)
        << "duplicate " << api::RecordKindName(r.entry.kind) << " " << r.entry.asset << " " << r.entry.time_ms;
  }
  const std::vector<OfflineScore> offline = Offline(Model(3));
  std::map<WindowKey, api::ScoreRecord> scores = Scores();
  std::set<WindowKey> expected_windows;
  size_t scored = 0;
  for (const OfflineScore& o : offline) {
    expected_windows.insert({o.asset, o.time_ms});
    if (!o.scored) continue;
    ++scored;
    auto it = scores.find({o.asset, o.time_ms});
    ASSERT_NE(it, scores.end()) << "lost " << o.asset << " " << o.time_ms;
    EXPECT_TRUE(SameBits(it->second.score, o.score)) << o.asset << " " << o.time_ms;
  }
  EXPECT_EQ(scores.size(), scored);
  EXPECT_EQ(Windows(api::RecordKind::kFeatures), expected_windows);
}

TEST_F(EdgeAgentTest, SwitchesToABundleInstalledMidRun) {
  const std::string v3 = Install(3, 1.1, true);
  std::unique_ptr<EdgeAgent> agent = NewAgent();
  ASSERT_TRUE(agent->Start().ok());
  Run(*agent, 6);
  EXPECT_EQ(agent->Snapshot().bundle_digest, v3);
  const std::string v4 = Install(4, 2.5);  // another process installs a newer model
  Run(*agent);
  ASSERT_TRUE(agent->Drain().ok());

  AgentSnapshot s = agent->Snapshot();
  EXPECT_EQ(s.bundle_digest, v4);
  EXPECT_EQ(s.bundle_version, 4);
  EXPECT_EQ(s.bundle_switches, 1);
  EXPECT_EQ(s.rollbacks, 0);
  // v4 passed its probation (20 finite, fast windows).
  EXPECT_FALSE(State().on_probation);
  EXPECT_EQ(State().active, v4);

  // Windows before the switch were scored by v3, after it by v4, each exactly as offline.
  const std::vector<OfflineScore> by_v3 = Offline(Model(3, 1.1));
  const std::vector<OfflineScore> by_v4 = Offline(Model(4, 2.5));
  ASSERT_EQ(by_v3.size(), by_v4.size());
  std::map<WindowKey, api::ScoreRecord> scores = Scores();
  std::map<std::string, int64_t> last_v3;
  size_t n3 = 0, n4 = 0;
  for (size_t i = 0; i < by_v3.size(); ++i) {
    if (!by_v3[i].scored) continue;
    auto it = scores.find({by_v3[i].asset, by_v3[i].time_ms});
    ASSERT_NE(it, scores.end());
    const OfflineScore& expected = it->second.bundle_digest == v3 ? by_v3[i] : by_v4[i];
    EXPECT_TRUE(SameBits(it->second.score, expected.score)) << i;
    if (it->second.bundle_digest == v3) {
      ++n3;
      last_v3[by_v3[i].asset] = by_v3[i].time_ms;
    } else {
      EXPECT_EQ(it->second.bundle_digest, v4);
      EXPECT_EQ(it->second.model_version, 4);
      ++n4;
      // Never a v3 window after a v4 window of the same asset.
      EXPECT_GT(by_v3[i].time_ms, last_v3[by_v3[i].asset]);
    }
  }
  EXPECT_GT(n3, 0u);
  EXPECT_GT(n4, 20u);
  EXPECT_EQ(scores.size(), n3 + n4);
}

TEST_F(EdgeAgentTest, FailedProbationRollsBackAndTheAgentGoesOn) {
  options_.probation.windows = 5;
  options_.probation.max_p99_latency_us = -1;  // no bundle can meet it
  const std::string v3 = Install(3, 1.1, /*pass_probation=*/true);
  std::unique_ptr<EdgeAgent> agent = NewAgent();
  ASSERT_TRUE(agent->Start().ok());
  Run(*agent, 5);
  const std::string v4 = Install(4, 2.5);
  Run(*agent);
  ASSERT_TRUE(agent->Drain().ok());

  AgentSnapshot s = agent->Snapshot();
  EXPECT_EQ(s.rollbacks, 1);
  EXPECT_EQ(s.bundle_digest, v3);
  EXPECT_EQ(s.bundle_switches, 2);  // to v4 and back
  BundleState state = State();
  EXPECT_EQ(state.active, v3);
  EXPECT_EQ(state.rejected, std::vector<std::string>{v4});
  EXPECT_NE(state.last_change.find("probation failed"), std::string::npos) << state.last_change;
  // v4 scored at least its 5 probation windows; everything after the rollback is v3 again.
  size_t n4 = 0;
  int64_t last_v4 = 0;
  int64_t last = 0;
  for (const auto& [key, score] : Scores()) {
    last = std::max(last, key.second);
    if (score.bundle_digest == v4) {
      ++n4;
      last_v4 = std::max(last_v4, key.second);
    }
  }
  EXPECT_GE(n4, 5u);
  EXPECT_LT(last_v4, last);
}

TEST_F(EdgeAgentTest, WithoutABundleRowsAreCountedAndNothingIsScored) {
  std::unique_ptr<EdgeAgent> agent = NewAgent();
  ASSERT_TRUE(agent->Start().ok());
  Run(*agent, 3);
  AgentSnapshot s = agent->Snapshot();
  EXPECT_EQ(s.bundle_digest, "");
  EXPECT_GT(s.rows_without_model, 0);
  EXPECT_EQ(s.rows_without_model, s.rows_total);
  EXPECT_EQ(s.windows_total, 0);
  EXPECT_TRUE(Records().empty());
  Result<api::ScoreResponse> r = agent->Score(api::ScoreRequest{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);

  // The first install is picked up on the next turn; later rows are scored.
  const std::string digest = Install(3);
  Run(*agent);
  ASSERT_TRUE(agent->Drain().ok());
  s = agent->Snapshot();
  EXPECT_EQ(s.bundle_digest, digest);
  EXPECT_EQ(s.bundle_switches, 0);  // the first model is not a switch
  EXPECT_GT(s.scores_total, 0);
  EXPECT_FALSE(Scores().empty());
}

}  // namespace
}  // namespace edgeloop::agent
