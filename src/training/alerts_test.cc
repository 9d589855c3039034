#include "training/alerts.h"

#include <gtest/gtest.h>

#include <limits>

#include "base/time_format.h"

namespace edgeloop::training {
namespace {

constexpr int64_t kH = kMillisPerHour;

// Hourly rows of one asset starting at hour 0 with the given scores.
std::vector<Prediction> Rows(const std::string& asset, const std::vector<double>& scores) {
  std::vector<Prediction> rows;
  for (size_t i = 0; i < scores.size(); ++i) {
    rows.push_back({asset, static_cast<int64_t>(i) * kH, scores[i], 0});
  }
  return rows;
}

io::Event Failure(const std::string& asset, int64_t time_ms) {
  io::Event e;
  e.asset = asset;
  e.time_ms = time_ms;
  e.kind = io::EventKind::kFailure;
  return e;
}

TEST(Alerts, ConsecutiveWindowsFormOneEpisode) {
  auto episodes = FindAlertEpisodes(Rows("A", {0, 1, 1, 1, 0, 1}), 0.5, {}, {});
  ASSERT_TRUE(episodes.ok());
  ASSERT_EQ(episodes->size(), 2u);
  EXPECT_EQ((*episodes)[0].start_ms, 1 * kH);
  EXPECT_EQ((*episodes)[0].end_ms, 3 * kH);
  EXPECT_EQ((*episodes)[0].windows, 3u);
  EXPECT_EQ((*episodes)[1].start_ms, 5 * kH);
}

TEST(Alerts, RowOrderDoesNotMatter) {
  auto rows = Rows("A", {0, 1, 1, 0});
  std::swap(rows[0], rows[2]);
  auto episodes = FindAlertEpisodes(rows, 0.5, {}, {});
  ASSERT_TRUE(episodes.ok());
  ASSERT_EQ(episodes->size(), 1u);
  EXPECT_EQ((*episodes)[0].start_ms, 1 * kH);
}

TEST(Alerts, KOfNSmoothingIgnoresSingleSpikes) {
  AlertPolicy policy{2, 3, 0};
  // Spikes at 0 and 4 stay alone; 6, 7 make 2 of 3 at 7 and keep it at 8 (6,7 over).
  auto episodes = FindAlertEpisodes(Rows("A", {1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0}), 0.5, policy, {});
  ASSERT_TRUE(episodes.ok());
  ASSERT_EQ(episodes->size(), 1u);
  EXPECT_EQ((*episodes)[0].start_ms, 6 * kH);
  EXPECT_EQ((*episodes)[0].end_ms, 8 * kH);
}

TEST(Alerts, CooldownMergesAnAlertThatComesBack) {
  AlertPolicy policy{1, 1, 24 * kH};
  std::vector<double> scores(40, 0.0);
  scores[0] = scores[5] = scores[6] = scores[30] = 1;
  auto episodes = FindAlertEpisodes(Rows("A", scores), 0.5, policy, {});
  ASSERT_TRUE(episodes.ok());
  ASSERT_EQ(episodes->size(), 2u);
  EXPECT_EQ((*episodes)[0].start_ms, 0);
  EXPECT_EQ((*episodes)[0].end_ms, 6 * kH);  // back at 5 h, within 24 h: the same alert
  EXPECT_EQ((*episodes)[0].windows, 3u);
  EXPECT_EQ((*episodes)[1].start_ms, 30 * kH);  // 24 h after 6 h: a new alert
}

TEST(Alerts, FailureEndsAnEpisodeAndResetsCooldown) {
  AlertPolicy policy{1, 1, 100 * kH};
  auto episodes =
      FindAlertEpisodes(Rows("A", {1, 1, 1, 1}), 0.5, policy, {Failure("A", 2 * kH - 1)});
  ASSERT_TRUE(episodes.ok());
  ASSERT_EQ(episodes->size(), 2u);
  EXPECT_EQ((*episodes)[0].end_ms, 1 * kH);
  EXPECT_EQ((*episodes)[1].start_ms, 2 * kH);
}

TEST(Alerts, AssetsAreIndependent) {
  auto rows = Rows("A", {0, 1});
  auto b = Rows("B", {1, 0});
  rows.insert(rows.end(), b.begin(), b.end());
  auto episodes = FindAlertEpisodes(rows, 0.5, {}, {});
  ASSERT_TRUE(episodes.ok());
  ASSERT_EQ(episodes->size(), 2u);
  EXPECT_EQ((*episodes)[0].asset, "A");
  EXPECT_EQ((*episodes)[1].asset, "B");
}

TEST(Alerts, RejectsBadPolicy) {
  EXPECT_FALSE(FindAlertEpisodes(Rows("A", {1}), 0.5, {3, 2, 0}, {}).ok());
  EXPECT_FALSE(FindAlertEpisodes(Rows("A", {1}), 0.5, {1, 1, -1}, {}).ok());
}

TEST(Alerts, RejectsRowsThatAreNotFinite) {
  auto rows = Rows("A", {0.1, 0.2});
  rows[1].score = std::numeric_limits<double>::quiet_NaN();
  auto episodes = FindAlertEpisodes(rows, 0.5, {}, {});
  ASSERT_FALSE(episodes.ok());
  EXPECT_NE(episodes.status().message().find("row 1 of asset A"), std::string::npos);
  rows = Rows("A", {0.1});
  rows[0].time_ms = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(FindAlertEpisodes(rows, 0.5, {}, {}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgeloop::training
