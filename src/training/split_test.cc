#include "training/split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "base/random.h"
#include "base/time_format.h"

namespace edgeloop::training {
namespace {

constexpr int64_t kH = kMillisPerHour;

// `n_assets` assets with hourly rows over `hours`, rows shuffled with `seed`.
features::FeatureTable Fleet(int n_assets, int hours, uint64_t seed) {
  features::FeatureTable t;
  t.columns = {"x"};
  for (int a = 0; a < n_assets; ++a) {
    for (int h = 0; h < hours; ++h) {
      t.asset.push_back("P" + std::to_string(100 + a));
      t.window_end_ms.push_back(h * kH);
      t.values.push_back(0);
    }
  }
  Random random(seed);
  for (size_t i = t.rows(); i > 1; --i) {
    const size_t j = static_cast<size_t>(random.UniformInt(0, static_cast<int64_t>(i) - 1));
    std::swap(t.asset[i - 1], t.asset[j]);
    std::swap(t.window_end_ms[i - 1], t.window_end_ms[j]);
  }
  return t;
}

std::vector<size_t> AllRows(const features::FeatureTable& t) {
  std::vector<size_t> rows(t.rows());
  std::iota(rows.begin(), rows.end(), 0);
  return rows;
}

TEST(Split, TimeSplitLeaksNoLabelIntoTestTime) {
  auto table = Fleet(5, 200, 1);
  const int64_t horizon = 24 * kH;
  auto split = MakeSplit(table, AllRows(table), {SplitBy::kTime, 0.3, 7}, horizon);
  ASSERT_TRUE(split.ok());
  ASSERT_FALSE(split->train.empty());
  ASSERT_FALSE(split->test.empty());
  int64_t first_test = std::numeric_limits<int64_t>::max();
  for (size_t r : split->test) first_test = std::min(first_test, table.window_end_ms[r]);
  EXPECT_GE(first_test, split->cutoff_ms);
  for (size_t r : split->train) {
    // The label of a training row covers (end, end + horizon]: it must stay before test time.
    EXPECT_LT(table.window_end_ms[r] + horizon, split->cutoff_ms) << "row " << r;
    EXPECT_LT(table.window_end_ms[r] + horizon, first_test) << "row " << r;
  }
  // Cutoff at 70 % of [0 h, 199 h]; the 24 h before it are purged.
  EXPECT_EQ(split->cutoff_ms, std::llround(199 * 0.7 * kH));
  EXPECT_EQ(split->train.size() + split->test.size() + 5u * 24u, table.rows());
}

TEST(Split, AssetSplitPutsEachAssetOnOneSide) {
  auto table = Fleet(20, 10, 2);
  auto split = MakeSplit(table, AllRows(table), {SplitBy::kAsset, 0.25, 7}, kH);
  ASSERT_TRUE(split.ok());
  std::set<std::string> train_assets, test_assets;
  for (size_t r : split->train) train_assets.insert(table.asset[r]);
  for (size_t r : split->test) test_assets.insert(table.asset[r]);
  EXPECT_EQ(test_assets.size(), 5u);
  EXPECT_EQ(train_assets.size(), 15u);
  for (const std::string& a : test_assets) EXPECT_EQ(train_assets.count(a), 0u) << a;
  EXPECT_EQ(split->train.size() + split->test.size(), table.rows());
}

TEST(Split, AssetAssignmentIgnoresRowOrderButFollowsSeed) {
  auto a = Fleet(20, 5, 3);
  auto b = Fleet(20, 5, 4);  // same rows, another order
  auto sa = SplitByAsset(a, AllRows(a), 0.3, 11);
  auto sb = SplitByAsset(b, AllRows(b), 0.3, 11);
  EXPECT_EQ(sa.test_assets, sb.test_assets);
  EXPECT_EQ(sa.test_assets.size(), 6u);
  auto other_seed = SplitByAsset(a, AllRows(a), 0.3, 12);
  EXPECT_NE(sa.test_assets, other_seed.test_assets);
}

TEST(Split, SmallFleetKeepsBothSides) {
  EXPECT_EQ(ChooseTestAssets({"A", "B"}, 0.1, 7).size(), 1u);
  EXPECT_EQ(ChooseTestAssets({"A", "B"}, 0.9, 7).size(), 1u);
  EXPECT_EQ(ChooseTestAssets({"A", "A", "A"}, 0.5, 7).size(), 1u);
}

TEST(Split, TimeAndAssetSplitSeparatesBoth) {
  auto table = Fleet(10, 100, 5);
  const int64_t horizon = 5 * kH;
  auto split = MakeSplit(table, AllRows(table), {SplitBy::kTimeAndAsset, 0.3, 7}, horizon);
  ASSERT_TRUE(split.ok());
  ASSERT_FALSE(split->train.empty());
  ASSERT_FALSE(split->test.empty());
  std::set<std::string> train_assets;
  for (size_t r : split->train) {
    train_assets.insert(table.asset[r]);
    EXPECT_LT(table.window_end_ms[r] + horizon, split->cutoff_ms);
  }
  for (size_t r : split->test) {
    EXPECT_EQ(train_assets.count(table.asset[r]), 0u);
    EXPECT_GE(table.window_end_ms[r], split->cutoff_ms);
  }
}

TEST(Split, OnlyCandidateRowsAreSplit) {
  auto table = Fleet(3, 50, 6);
  std::vector<size_t> some = {0, 5, 9, 40, 77, 120};
  auto split = MakeSplit(table, some, {SplitBy::kAsset, 0.5, 7}, kH);
  ASSERT_TRUE(split.ok());
  std::vector<size_t> both = split->train;
  both.insert(both.end(), split->test.begin(), split->test.end());
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, some);
}

TEST(Split, RejectsFractionOutsideZeroOne) {
  auto table = Fleet(3, 5, 7);
  EXPECT_EQ(MakeSplit(table, AllRows(table), {SplitBy::kTime, 0.0, 7}, kH).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeSplit(table, AllRows(table), {SplitBy::kAsset, 1.0, 7}, kH).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgeloop::training
