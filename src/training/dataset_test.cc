#include "training/dataset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "base/time_format.h"

namespace edgeloop::training {
namespace {

constexpr int64_t kH = kMillisPerHour;

features::FeatureTable Table() {
  features::FeatureTable t;
  t.columns = {"rms", "temp"};
  for (const char* a : {"P1", "P2", "P3", "P4"}) {
    for (int h = 0; h < 200; ++h) {
      t.asset.push_back(a);
      t.window_end_ms.push_back(h * kH);
      t.values.push_back(h * 0.5);
      t.values.push_back(40 + h % 7);
    }
  }
  return t;
}

std::vector<io::Event> Events() {
  std::vector<io::Event> ev;
  for (const char* a : {"P1", "P2", "P3", "P4"}) {
    io::Event f{60 * kH, a, io::EventKind::kFailure, "seal_leak"};
    io::Event r{70 * kH, a, io::EventKind::kRepair, ""};
    io::Event f2{150 * kH, a, io::EventKind::kFailure, "bearing_wear"};
    io::Event r2{160 * kH, a, io::EventKind::kRepair, ""};
    ev.insert(ev.end(), {f, r, f2, r2});
  }
  return ev;
}

TEST(DatasetDigest, SameInputsSameDigest) {
  EXPECT_EQ(DatasetDigest(Table(), Events()), DatasetDigest(Table(), Events()));
  EXPECT_EQ(DatasetDigest(Table(), Events()).size(), 64u);
}

TEST(DatasetDigest, EventOrderDoesNotMatter) {
  auto ev = Events();
  std::reverse(ev.begin(), ev.end());
  EXPECT_EQ(DatasetDigest(Table(), ev), DatasetDigest(Table(), Events()));
}

TEST(DatasetDigest, AnyChangeChangesIt) {
  const std::string base = DatasetDigest(Table(), Events());
  auto t = Table();
  t.values[17] = std::nextafter(t.values[17], 1e9);  // one bit of one value
  EXPECT_NE(DatasetDigest(t, Events()), base);
  t = Table();
  t.values[0] = -0.0;  // 0.0 and -0.0 differ in bits
  EXPECT_NE(DatasetDigest(t, Events()), base);
  t = Table();
  t.columns[1] = "temperature";
  EXPECT_NE(DatasetDigest(t, Events()), base);
  t = Table();
  t.window_end_ms[3] += 1;
  EXPECT_NE(DatasetDigest(t, Events()), base);
  t = Table();
  t.asset[0] = "P9";
  EXPECT_NE(DatasetDigest(t, Events()), base);
  auto ev = Events();
  ev[0].failure_mode = "cavitation";
  EXPECT_NE(DatasetDigest(Table(), ev), base);
  ev = Events();
  ev.pop_back();
  EXPECT_NE(DatasetDigest(Table(), ev), base);
  // Names that run together differently must not collide ("ab"+"c" vs "a"+"bc").
  t = Table();
  t.columns = {"rmst", "emp"};
  EXPECT_NE(DatasetDigest(t, Events()), base);
}

TEST(Dataset, PartsAreDisjointAndInTimeOrder) {
  DatasetOptions options;
  options.labels.horizon_ms = 10 * kH;
  auto d = MakeDataset(Table(), Events(), options);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_FALSE(d->train.empty());
  ASSERT_FALSE(d->validation.empty());
  ASSERT_FALSE(d->test.empty());
  const auto t = Table();
  int64_t last_train = 0, first_val = INT64_MAX, last_val = 0, first_test = INT64_MAX;
  for (size_t r : d->train) last_train = std::max(last_train, t.window_end_ms[r]);
  for (size_t r : d->validation) {
    first_val = std::min(first_val, t.window_end_ms[r]);
    last_val = std::max(last_val, t.window_end_ms[r]);
  }
  for (size_t r : d->test) first_test = std::min(first_test, t.window_end_ms[r]);
  EXPECT_LT(last_train + options.labels.horizon_ms, first_val);
  EXPECT_LT(last_val + options.labels.horizon_ms, first_test);
  for (const auto* part : {&d->train, &d->validation, &d->test}) {
    for (size_t r : *part) EXPECT_FALSE(d->labels.excluded[r]) << r;
  }
  EXPECT_EQ(d->digest, DatasetDigest(t, Events()));
}

TEST(Dataset, RegressionDropsLabelsReadFromTheFuture) {
  DatasetOptions options;
  options.labels.horizon_ms = 10 * kH;
  options.regression = true;
  options.validation_fraction = 0;
  auto d = MakeDataset(Table(), Events(), options);
  ASSERT_TRUE(d.ok());
  const auto t = Table();
  ASSERT_FALSE(d->train.empty());
  for (size_t r : d->train) {
    EXPECT_FALSE(std::isnan(d->labels.rul_hours[r]));
    EXPECT_LE(t.window_end_ms[r] + d->labels.rul_hours[r] * kH, d->outer.cutoff_ms);
  }
  for (size_t r : d->test) EXPECT_FALSE(std::isnan(d->labels.rul_hours[r]));
}

TEST(Dataset, AssetSplitValidatesOnOtherAssets) {
  DatasetOptions options;
  options.labels.horizon_ms = 10 * kH;
  options.split = {SplitBy::kAsset, 0.25, 3};
  options.validation_fraction = 0.34;
  auto d = MakeDataset(Table(), Events(), options);
  ASSERT_TRUE(d.ok());
  const auto t = Table();
  std::set<std::string> train, val, test;
  for (size_t r : d->train) train.insert(t.asset[r]);
  for (size_t r : d->validation) val.insert(t.asset[r]);
  for (size_t r : d->test) test.insert(t.asset[r]);
  EXPECT_EQ(train.size() + val.size() + test.size(), 4u);
  EXPECT_EQ(test.size(), 1u);
  EXPECT_EQ(val.size(), 1u);
}

TEST(Dataset, RejectsBadValidationFraction) {
  DatasetOptions options;
  options.validation_fraction = 1.0;
  EXPECT_EQ(MakeDataset(Table(), Events(), options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgeloop::training
