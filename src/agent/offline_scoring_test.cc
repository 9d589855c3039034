#include "agent/offline_scoring.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "agent/alert_tracker.h"
#include "agent/testing/agent_testing.h"
#include "base/clock.h"
#include "features/window_extractor.h"

namespace edgeloop::agent {
namespace {

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

std::shared_ptr<const ActiveModel> Model() {
  Result<std::string> bytes = testing::BuildTestBundle(3);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  if (!bytes.ok()) return nullptr;
  Result<std::shared_ptr<const ActiveModel>> model = testing::LoadTestModel(*bytes);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model.ok() ? *model : nullptr;
}

TEST(ScoreReadings, EqualsScoringTheBatchExtractorsRowsDirectly) {
  std::shared_ptr<const ActiveModel> model = Model();
  ASSERT_NE(model, nullptr);
  const std::vector<AssetReadings> readings = testing::TestReadings(3, 96, 5);
  SimulatedClock clock(testing::kStartMs);
  Result<std::vector<OfflineScore>> scores = ScoreReadings(model, readings, {}, clock, 3);
  ASSERT_TRUE(scores.ok()) << scores.status().ToString();

  Result<features::FeatureTable> table = features::ExtractFeatures(model->spec, readings);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(scores->size(), table->rows());
  ASSERT_GT(table->rows(), 200u);
  std::vector<double> inputs(model->input_from_column.size());
  size_t scored = 0;
  size_t over = 0;
  for (size_t i = 0; i < table->rows(); ++i) {
    const OfflineScore& s = (*scores)[i];
    EXPECT_EQ(s.asset, table->asset[i]) << i;
    EXPECT_EQ(s.time_ms, table->window_end_ms[i]) << i;
    model->SelectInputs(table->row(i), inputs.data());
    bool any = false;
    for (double v : inputs) any = any || !std::isnan(v);
    EXPECT_EQ(s.scored, any) << i;
    if (!any) continue;
    ++scored;
    const double direct = model->scorer->Score(inputs.data());
    EXPECT_TRUE(SameBits(s.score, direct)) << i << ": " << s.score << " vs " << direct;
    EXPECT_EQ(s.over, direct >= model->threshold) << i;
    over += s.over ? 1 : 0;
  }
  // The readings really exercise the model: most windows scored, some over the threshold.
  EXPECT_GT(scored, table->rows() * 9 / 10);
  EXPECT_GT(over, 10u);
  EXPECT_LT(over, scored);
}

TEST(ScoreReadings, AlertsFollowThePolicyPerAsset) {
  std::shared_ptr<const ActiveModel> model = Model();
  ASSERT_NE(model, nullptr);
  const std::vector<AssetReadings> readings = testing::TestReadings(3, 96, 5);
  SimulatedClock clock(testing::kStartMs);
  Result<std::vector<OfflineScore>> scores = ScoreReadings(model, readings, {}, clock, 2);
  ASSERT_TRUE(scores.ok()) << scores.status().ToString();
  std::map<std::string, AlertTracker> trackers;
  int raised = 0;
  for (const OfflineScore& s : *scores) {
    if (!s.scored) {
      EXPECT_EQ(s.alert, "");
      continue;
    }
    auto it = trackers.try_emplace(s.asset, s.asset, model->alert_policy).first;
    std::optional<AlertTracker::Change> c = it->second.Observe(s.time_ms, s.score, model->threshold);
    EXPECT_EQ(s.alert, c ? std::string(api::AlertStateName(c->state)) : "") << s.asset << " " << s.time_ms;
    EXPECT_EQ(s.alert_id, c ? c->alert_id : "");
    if (s.alert == "raised" || s.alert == "resumed") {
      EXPECT_FALSE(s.top.empty());
      EXPECT_LE(s.top.size(), 2u);
    } else {
      EXPECT_TRUE(s.top.empty());
    }
    raised += s.alert == "raised" ? 1 : 0;
  }
  EXPECT_GE(raised, 3);
}

TEST(ScoreReadings, RefusesReadingsOutOfOrderNamingTheAsset) {
  std::shared_ptr<const ActiveModel> model = Model();
  ASSERT_NE(model, nullptr);
  std::vector<AssetReadings> readings = testing::TestReadings(1, 10, 5);
  std::swap(readings[0].time_ms[3], readings[0].time_ms[4]);
  SimulatedClock clock(testing::kStartMs);
  Result<std::vector<OfflineScore>> scores = ScoreReadings(model, readings, {}, clock);
  ASSERT_FALSE(scores.ok());
  EXPECT_EQ(scores.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(scores.status().message().find("P001"), std::string::npos) << scores.status().message();
}

TEST(ScoreFeatureRows, ScoresRowsAndTracksAlertsPerAsset) {
  std::shared_ptr<const ActiveModel> model = Model();
  ASSERT_NE(model, nullptr);
  // Inputs (mean, max): (60, 95) scores sigmoid(1.1) = 0.75 >= 0.62; (10, 10) scores low.
  const std::vector<double> hot = {60, 95};
  const std::vector<double> cold = {10, 10};
  const int64_t h = testing::kHourMs;
  // Two assets interleaved: A goes hot for 3 windows, B stays cold but for a single hot window.
  std::vector<std::string> assets = {"A", "B", "A", "B", "A", "B", "A", "B", "A"};
  std::vector<int64_t> times = {h, h, 2 * h, 2 * h, 3 * h, 3 * h, 4 * h, 4 * h, 5 * h};
  std::vector<std::vector<double>> rows = {hot, cold, hot, hot, hot, cold, cold, cold, cold};
  Result<std::vector<OfflineScore>> scores = ScoreFeatureRows(model, assets, times, rows, 1);
  ASSERT_TRUE(scores.ok()) << scores.status().ToString();
  ASSERT_EQ(scores->size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_TRUE((*scores)[i].scored);
    EXPECT_TRUE(SameBits((*scores)[i].score, model->scorer->Score(rows[i].data()))) << i;
    EXPECT_EQ((*scores)[i].asset, assets[i]);
    EXPECT_EQ((*scores)[i].time_ms, times[i]);
  }
  // Policy 2 of 3: A raises at its 2nd hot window (2h) and clears when only 1 of 3 is over
  // (5h); B's single hot window never raises.
  std::vector<std::string> alerts;
  for (const OfflineScore& s : *scores) alerts.push_back(s.alert);
  EXPECT_EQ(alerts, (std::vector<std::string>{"", "", "raised", "", "", "", "", "", "cleared"}));
  EXPECT_EQ((*scores)[2].alert_id, "A@" + std::to_string(2 * h));
  EXPECT_EQ((*scores)[8].alert_id, "A@" + std::to_string(2 * h));
  ASSERT_EQ((*scores)[2].top.size(), 1u);
  EXPECT_TRUE((*scores)[8].top.empty());
}

TEST(ScoreFeatureRows, RefusesARowOfTheWrongWidth) {
  std::shared_ptr<const ActiveModel> model = Model();
  ASSERT_NE(model, nullptr);
  Result<std::vector<OfflineScore>> scores =
      ScoreFeatureRows(model, {"A", "A"}, {1, 2}, {{1, 2}, {1, 2, 3}});
  ASSERT_FALSE(scores.ok());
  EXPECT_EQ(scores.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(scores.status().message(), "feature row 2 has 3 values, the model takes 2");
}

}  // namespace
}  // namespace edgeloop::agent
