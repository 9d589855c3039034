// Split: which feature rows train a model and which test it, without leaking the future.
//
// By time: rows whose window ends at or after the cutoff are test rows; training rows must end
// before cutoff - horizon, so no training label (which looks horizon ahead) sees past the
// cutoff. Rows in [cutoff - horizon, cutoff) are purged (in neither part).
// By asset: a fraction of the assets is tested. Each asset is ranked by the SHA-256 of
// "<asset>\n<seed>"; the round(fraction x assets) lowest go to test (at least one and at most all
// but one when there are two or more assets and the fraction is above 0). The assignment depends
// only on the set of assets and the seed, never on row order.
// Both: test rows are rows of test assets at or after the cutoff; training rows are rows of the
// other assets before cutoff - horizon.
//
// Every function takes the candidate rows (indices into the table, e.g. the rows that are not
// excluded) and returns indices in ascending order. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "features/feature_table.h"

namespace edgeloop::training {

enum class SplitBy { kTime, kAsset, kTimeAndAsset };

// "time", "asset", "time_and_asset".
std::string_view SplitByName(SplitBy by);
bool ParseSplitBy(std::string_view text, SplitBy* by);

struct SplitConfig {
  SplitBy by = SplitBy::kTime;
  // Time: the share of the time range at its end that is tested (0.3 puts the cutoff at 70 %).
  // Asset: the share of assets that is tested.
  double test_fraction = 0.3;
  uint64_t seed = 7;  // for the asset assignment
};

struct Split {
  std::vector<size_t> train;
  std::vector<size_t> test;
  bool has_cutoff = false;
  int64_t cutoff_ms = 0;                 // set for time splits
  std::vector<std::string> test_assets;  // set for asset splits, sorted
};

// The cutoff that leaves `test_fraction` of the rows' time range [min end, max end] to test.
int64_t TimeCutoff(const features::FeatureTable& table, const std::vector<size_t>& rows,
                   double test_fraction);

Split SplitByTime(const features::FeatureTable& table, const std::vector<size_t>& rows,
                  int64_t cutoff_ms, int64_t horizon_ms);

// The test assets among `assets` (duplicates allowed), sorted by name.
std::vector<std::string> ChooseTestAssets(const std::vector<std::string>& assets,
                                          double test_fraction, uint64_t seed);

Split SplitByAsset(const features::FeatureTable& table, const std::vector<size_t>& rows,
                   double test_fraction, uint64_t seed);

// Dispatches on config.by. InvalidArgument when test_fraction is not in (0, 1).
Result<Split> MakeSplit(const features::FeatureTable& table, const std::vector<size_t>& rows,
                        const SplitConfig& config, int64_t horizon_ms);

}  // namespace edgeloop::training
