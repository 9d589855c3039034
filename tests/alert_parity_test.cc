// The device's streaming alert rule (agent::AlertTracker) against the evaluation's batch rule
// (training::FindAlertEpisodes): for the same scores and policy, the alerts a device raises start
// exactly where the evaluation's episodes start, and every resumed alert lies inside an episode.
// A separate executable because the agent may not link training.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "agent/alert_tracker.h"
#include "base/random.h"
#include "training/alerts.h"

namespace edgeloop {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kStart = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

struct Case {
  std::vector<training::Prediction> rows;  // per asset in time order, assets one after another
};

// Scores that wander in and out of [threshold - 0.3, threshold + 0.3] in runs, with irregular
// gaps between windows (a device misses windows when a sensor is silent).
Case RandomCase(uint64_t seed, int assets, int windows) {
  Random random(seed);
  Case c;
  for (int a = 0; a < assets; ++a) {
    const std::string asset = "P" + std::to_string(100 + a);
    int64_t t = kStart;
    double level = random.Uniform(0.2, 0.8);
    for (int i = 0; i < windows; ++i) {
      t += kHour * (random.Bernoulli(0.1) ? random.UniformInt(2, 12) : 1);
      if (random.Bernoulli(0.15)) level = random.Uniform(0.1, 0.9);
      const double score = std::min(1.0, std::max(0.0, level + random.Normal(0, 0.15)));
      c.rows.push_back({asset, t, score, 0});
    }
  }
  return c;
}

// (asset, start) of every alert the tracker raises, and (asset, time) of every resume.
std::pair<std::set<std::pair<std::string, int64_t>>, std::vector<std::pair<std::string, int64_t>>>
TrackerAlerts(const Case& c, double threshold, const training::AlertPolicy& p) {
  std::map<std::string, agent::AlertTracker> trackers;
  std::set<std::pair<std::string, int64_t>> raised;
  std::vector<std::pair<std::string, int64_t>> resumed;
  for (const training::Prediction& row : c.rows) {
    auto it = trackers.try_emplace(row.asset, row.asset, bundle::AlertPolicy{p.k, p.n, p.cooldown_ms}).first;
    std::optional<agent::AlertTracker::Change> change = it->second.Observe(row.time_ms, row.score, threshold);
    if (!change) continue;
    if (change->state == api::AlertState::kRaised) {
      raised.insert({row.asset, row.time_ms});
      EXPECT_EQ(change->alert_id, row.asset + "@" + std::to_string(row.time_ms));
    }
    if (change->state == api::AlertState::kResumed) resumed.push_back({row.asset, row.time_ms});
  }
  return {raised, resumed};
}

TEST(AlertParity, TrackerRaisesWhereFindAlertEpisodesStarts) {
  const std::vector<training::AlertPolicy> policies = {
      {1, 1, 0},         {2, 3, 0},         {2, 3, 6 * kHour}, {3, 5, 2 * kHour},
      {1, 1, 3 * kHour}, {4, 4, 24 * kHour}, {1, 3, kHour},
  };
  size_t total_episodes = 0;
  size_t total_resumes = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const Case c = RandomCase(seed, 3, 400);
    for (const training::AlertPolicy& policy : policies) {
      for (double threshold : {0.5, 0.62, 0.8}) {
        SCOPED_TRACE("seed " + std::to_string(seed) + ", policy " + std::to_string(policy.k) + " of " +
                     std::to_string(policy.n) + " cooldown " + std::to_string(policy.cooldown_ms) +
                     " ms, threshold " + std::to_string(threshold));
        Result<std::vector<training::AlertEpisode>> episodes =
            training::FindAlertEpisodes(c.rows, threshold, policy, {});
        ASSERT_TRUE(episodes.ok()) << episodes.status().ToString();
        std::set<std::pair<std::string, int64_t>> starts;
        for (const training::AlertEpisode& e : *episodes) starts.insert({e.asset, e.start_ms});
        ASSERT_EQ(starts.size(), episodes->size());
        auto [raised, resumed] = TrackerAlerts(c, threshold, policy);
        EXPECT_EQ(raised, starts);
        // A resume falls inside one of the asset's episodes (it extends that alert).
        for (const auto& [asset, t] : resumed) {
          bool inside = false;
          for (const training::AlertEpisode& e : *episodes) {
            inside = inside || (e.asset == asset && e.start_ms < t && t <= e.end_ms);
          }
          EXPECT_TRUE(inside) << asset << " resumed at " << t;
        }
        total_episodes += episodes->size();
        total_resumes += resumed.size();
      }
    }
  }
  // The cases really exercise the rule: many alerts, and resumes within cooldowns.
  EXPECT_GT(total_episodes, 1000u);
  EXPECT_GT(total_resumes, 100u);
}

}  // namespace
}  // namespace edgeloop
