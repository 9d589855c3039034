#include "agent/alert_tracker.h"

#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace edgeloop::agent {
namespace {

using api::AlertState;

constexpr int64_t kHour = 3'600'000;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One change per observed window ("" when none): "raised P1@<t>", "cleared P1@<t>", ...
std::vector<std::string> Track(AlertTracker& tracker, const std::vector<double>& scores,
                             int64_t first_ms, double threshold = 0.5) {
  std::vector<std::string> out;
  for (size_t i = 0; i < scores.size(); ++i) {
    std::optional<AlertTracker::Change> c =
        tracker.Observe(first_ms + static_cast<int64_t>(i) * kHour, scores[i], threshold);
    out.push_back(c ? std::string(api::AlertStateName(c->state)) + " " + c->alert_id : "");
  }
  return out;
}

TEST(AlertTracker, RaisesWhenKOfTheLastNWindowsAreOver) {
  AlertTracker tracker("P1", bundle::AlertPolicy{2, 3, 0});
  // One over window is not enough; the second within three windows raises, at that window.
  std::vector<std::string> changes = Track(tracker, {0.9, 0.1, 0.1, 0.9, 0.1, 0.8}, 0);
  EXPECT_EQ(changes, (std::vector<std::string>{"", "", "", "", "", "raised P1@" + std::to_string(5 * kHour)}));
  EXPECT_TRUE(tracker.active());
  EXPECT_EQ(tracker.alert_id(), "P1@" + std::to_string(5 * kHour));
}

TEST(AlertTracker, ScoreAtTheThresholdIsOver) {
  AlertTracker tracker("P1", bundle::AlertPolicy{1, 1, 0});
  std::optional<AlertTracker::Change> c = tracker.Observe(1000, 0.62, 0.62);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->state, AlertState::kRaised);
  EXPECT_EQ(c->alert_id, "P1@1000");
}

TEST(AlertTracker, ClearsWhenFewerThanKAreOver) {
  AlertTracker tracker("P7", bundle::AlertPolicy{2, 3, 0});
  std::vector<std::string> changes = Track(tracker, {0.9, 0.9, 0.9, 0.1, 0.1, 0.1}, 0);
  const std::string id = "P7@" + std::to_string(kHour);
  // Raised at the 2nd window; [0.9, 0.9, 0.1] still has 2 over; [0.9, 0.1, 0.1] clears.
  EXPECT_EQ(changes, (std::vector<std::string>{"", "raised " + id, "", "", "cleared " + id, ""}));
  EXPECT_FALSE(tracker.active());
  EXPECT_EQ(tracker.alert_id(), id);  // the last alert is remembered
}

TEST(AlertTracker, ComingBackWithinTheCooldownResumesTheSameAlert) {
  AlertTracker tracker("P2", bundle::AlertPolicy{1, 1, 6 * kHour});
  // Over at 0h and 1h, clear at 2h, over again at 5h: 4h after the last over window.
  std::vector<std::string> changes = Track(tracker, {0.9, 0.9, 0.1, 0.1, 0.1, 0.9, 0.1}, 0);
  const std::string id = "P2@0";
  EXPECT_EQ(changes, (std::vector<std::string>{"raised " + id, "", "cleared " + id, "", "",
                                               "resumed " + id, "cleared " + id}));
}

TEST(AlertTracker, CooldownCountsFromTheLastOverWindowOfTheAlert) {
  AlertTracker tracker("P2", bundle::AlertPolicy{1, 1, 3 * kHour});
  // Over 0h..3h (last over at 3h), under 4h..5h, over at 6h: 3h after 3h is not < 3h -> new.
  std::vector<std::string> changes = Track(tracker, {0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.9}, 0);
  EXPECT_EQ(changes[0], "raised P2@0");
  EXPECT_EQ(changes[4], "cleared P2@0");
  EXPECT_EQ(changes[6], "raised P2@" + std::to_string(6 * kHour));
  EXPECT_EQ(tracker.alert_id(), "P2@" + std::to_string(6 * kHour));
}

TEST(AlertTracker, AfterTheCooldownANewAlertIsRaised) {
  AlertTracker tracker("P3", bundle::AlertPolicy{1, 1, 2 * kHour});
  std::vector<std::string> changes = Track(tracker, {0.9, 0.1, 0.9, 0.1, 0.1, 0.1, 0.9}, 0);
  // Back at 2h: within 2h of 0h? 2h - 0h = 2h, not < 2h -> a new alert.
  EXPECT_EQ(changes, (std::vector<std::string>{
                         "raised P3@0", "cleared P3@0", "raised P3@" + std::to_string(2 * kHour),
                         "cleared P3@" + std::to_string(2 * kHour), "", "",
                         "raised P3@" + std::to_string(6 * kHour)}));
}

TEST(AlertTracker, WithoutCooldownEveryReturnIsANewAlert) {
  AlertTracker tracker("P4", bundle::AlertPolicy{1, 1, 0});
  std::vector<std::string> changes = Track(tracker, {0.9, 0.1, 0.9}, 0);
  EXPECT_EQ(changes[2], "raised P4@" + std::to_string(2 * kHour));
}

TEST(AlertTracker, NaNIsNeverOver) {
  AlertTracker tracker("P5", bundle::AlertPolicy{1, 1, 0});
  const double minus_inf = -std::numeric_limits<double>::infinity();
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(tracker.Observe(i * kHour, kNaN, minus_inf).has_value());
    EXPECT_FALSE(tracker.Observe(i * kHour + 1, kNaN, 0.0).has_value());
  }
  EXPECT_FALSE(tracker.active());
  // ... and a NaN window while an alert is open counts as under.
  ASSERT_TRUE(tracker.Observe(20 * kHour, 0.9, 0.5).has_value());
  std::optional<AlertTracker::Change> c = tracker.Observe(21 * kHour, kNaN, 0.5);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->state, AlertState::kCleared);
}

TEST(AlertTracker, NaNWindowsTakeTheirPlaceInTheLastN) {
  AlertTracker tracker("P6", bundle::AlertPolicy{2, 2, 0});
  // over, NaN, over: never 2 of the last 2.
  std::vector<std::string> changes = Track(tracker, {0.9, kNaN, 0.9, kNaN, 0.9, 0.9}, 0);
  EXPECT_EQ(changes, (std::vector<std::string>{"", "", "", "", "", "raised P6@" + std::to_string(5 * kHour)}));
}

TEST(AlertTracker, StaysQuietWhileOpen) {
  AlertTracker tracker("P8", bundle::AlertPolicy{1, 1, kHour});
  std::vector<std::string> changes = Track(tracker, {0.9, 0.95, 0.99, 0.7}, 0);
  EXPECT_EQ(changes, (std::vector<std::string>{"raised P8@0", "", "", ""}));
  EXPECT_TRUE(tracker.active());
}

}  // namespace
}  // namespace edgeloop::agent
