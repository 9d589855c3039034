#include "training/split.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "base/sha256.h"

namespace edgeloop::training {
namespace {

bool Contains(const std::vector<std::string>& sorted, const std::string& value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

}  // namespace

std::string_view SplitByName(SplitBy by) {
  switch (by) {
    case SplitBy::kTime:
      return "time";
    case SplitBy::kAsset:
      return "asset";
    case SplitBy::kTimeAndAsset:
      return "time_and_asset";
  }
  return "time";
}

bool ParseSplitBy(std::string_view text, SplitBy* by) {
  for (SplitBy b : {SplitBy::kTime, SplitBy::kAsset, SplitBy::kTimeAndAsset}) {
    if (text == SplitByName(b)) {
      *by = b;
      return true;
    }
  }
  return false;
}

int64_t TimeCutoff(const features::FeatureTable& table, const std::vector<size_t>& rows,
                   double test_fraction) {
  if (rows.empty()) return 0;
  int64_t lo = table.window_end_ms[rows.front()];
  int64_t hi = lo;
  for (size_t r : rows) {
    lo = std::min(lo, table.window_end_ms[r]);
    hi = std::max(hi, table.window_end_ms[r]);
  }
  const double span = static_cast<double>(hi - lo);
  return lo + static_cast<int64_t>(std::llround(span * (1.0 - test_fraction)));
}

Split SplitByTime(const features::FeatureTable& table, const std::vector<size_t>& rows,
                  int64_t cutoff_ms, int64_t horizon_ms) {
  Split split;
  split.has_cutoff = true;
  split.cutoff_ms = cutoff_ms;
  for (size_t r : rows) {
    const int64_t end = table.window_end_ms[r];
    if (end >= cutoff_ms) {
      split.test.push_back(r);
    } else if (end < cutoff_ms - horizon_ms) {
      split.train.push_back(r);
    }
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

std::vector<std::string> ChooseTestAssets(const std::vector<std::string>& assets,
                                          double test_fraction, uint64_t seed) {
  std::set<std::string> unique(assets.begin(), assets.end());
  std::vector<std::pair<std::string, std::string>> ranked;  // (hash, asset)
  for (const std::string& a : unique) {
    ranked.emplace_back(Sha256Hex(a + "\n" + std::to_string(seed)), a);
  }
  std::sort(ranked.begin(), ranked.end());
  const size_t n = ranked.size();
  size_t take = static_cast<size_t>(std::llround(test_fraction * static_cast<double>(n)));
  if (n >= 2 && test_fraction > 0) take = std::clamp<size_t>(take, 1, n - 1);
  take = std::min(take, n);
  std::vector<std::string> test;
  for (size_t i = 0; i < take; ++i) test.push_back(ranked[i].second);
  std::sort(test.begin(), test.end());
  return test;
}

Split SplitByAsset(const features::FeatureTable& table, const std::vector<size_t>& rows,
                   double test_fraction, uint64_t seed) {
  std::vector<std::string> assets;
  for (size_t r : rows) assets.push_back(table.asset[r]);
  Split split;
  split.test_assets = ChooseTestAssets(assets, test_fraction, seed);
  for (size_t r : rows) {
    (Contains(split.test_assets, table.asset[r]) ? split.test : split.train).push_back(r);
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

Result<Split> MakeSplit(const features::FeatureTable& table, const std::vector<size_t>& rows,
                        const SplitConfig& config, int64_t horizon_ms) {
  if (!(config.test_fraction > 0 && config.test_fraction < 1)) {
    return InvalidArgument("split test fraction " + std::to_string(config.test_fraction) +
                           ": expected a number between 0 and 1 (exclusive)");
  }
  switch (config.by) {
    case SplitBy::kTime:
      return SplitByTime(table, rows, TimeCutoff(table, rows, config.test_fraction), horizon_ms);
    case SplitBy::kAsset:
      return SplitByAsset(table, rows, config.test_fraction, config.seed);
    case SplitBy::kTimeAndAsset: {
      Split by_asset = SplitByAsset(table, rows, config.test_fraction, config.seed);
      const int64_t cutoff = TimeCutoff(table, rows, config.test_fraction);
      Split train_side = SplitByTime(table, by_asset.train, cutoff, horizon_ms);
      Split test_side = SplitByTime(table, by_asset.test, cutoff, horizon_ms);
      Split split;
      split.train = std::move(train_side.train);
      split.test = std::move(test_side.test);
      split.has_cutoff = true;
      split.cutoff_ms = cutoff;
      split.test_assets = std::move(by_asset.test_assets);
      return split;
    }
  }
  return InvalidArgument("unknown split kind");
}

}  // namespace edgeloop::training
