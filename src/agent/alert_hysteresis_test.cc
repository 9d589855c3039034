#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <vector>

#include "agent/alert_tracker.h"

namespace edgeloop::agent {
namespace {

// The state changes of a tracker over scores at t = 0, 1, 2, ... (threshold 1), as
// (time, state) pairs.
std::vector<std::pair<int64_t, api::AlertState>> Changes(const bundle::AlertPolicy& policy,
                                                         const std::vector<double>& scores) {
  AlertTracker tracker("P001", policy);
  std::vector<std::pair<int64_t, api::AlertState>> out;
  for (size_t i = 0; i < scores.size(); ++i) {
    std::optional<AlertTracker::Change> c =
        tracker.Observe(static_cast<int64_t>(i), scores[i], 1.0);
    if (c) out.emplace_back(static_cast<int64_t>(i), c->state);
  }
  return out;
}

TEST(AlertHysteresis, OpenAlertHoldsUntilTheScoreFallsBelowClearRatio) {
  bundle::AlertPolicy policy;
  policy.clear_ratio = 0.5;
  const auto changes = Changes(policy, {0.2, 1.2, 0.8, 0.5, 0.49, 0.9, 1.0});
  using S = api::AlertState;
  EXPECT_EQ(changes, (std::vector<std::pair<int64_t, S>>{{1, S::kRaised}, {4, S::kCleared},
                                                          {6, S::kRaised}}));
}

TEST(AlertHysteresis, ClearRatioOneKeepsTheOldRule) {
  bundle::AlertPolicy policy;  // clear_ratio 1
  const auto changes = Changes(policy, {0.2, 1.2, 0.99, 1.0});
  using S = api::AlertState;
  EXPECT_EQ(changes, (std::vector<std::pair<int64_t, S>>{{1, S::kRaised}, {2, S::kCleared},
                                                          {3, S::kRaised}}));
}

TEST(AlertHysteresis, BelowThresholdNeverRaisesAndNaNClears) {
  bundle::AlertPolicy policy;
  policy.clear_ratio = 0.5;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  using S = api::AlertState;
  // 0.9 is above the clear level but an alert needs the threshold to start.
  EXPECT_TRUE(Changes(policy, {0.9, 0.9, 0.6}).empty());
  EXPECT_EQ(Changes(policy, {1.5, nan, 0.9}),
            (std::vector<std::pair<int64_t, S>>{{0, S::kRaised}, {1, S::kCleared}}));
}

TEST(AlertHysteresis, KOfNStillRaisesAndHysteresisHoldsAfterTheVoteFails) {
  bundle::AlertPolicy policy{2, 3, 0};
  policy.clear_ratio = 0.5;
  using S = api::AlertState;
  // Raised when 2 of the last 3 are over (t=2); the vote fails from t=3 on, the 0.7 scores hold
  // the alert, 0.3 clears it.
  EXPECT_EQ(Changes(policy, {1.1, 0.2, 1.3, 0.7, 0.7, 0.7, 0.3}),
            (std::vector<std::pair<int64_t, S>>{{2, S::kRaised}, {6, S::kCleared}}));
}

}  // namespace
}  // namespace edgeloop::agent
