#include "training/dataset.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <tuple>

#include "base/sha256.h"
#include "base/time_format.h"

namespace edgeloop::training {
namespace {

constexpr std::string_view kDigestFormat = "edgeloop-dataset-v1";

void PutU64(Sha256Hasher& h, uint64_t v) { h.UpdatePod(v); }

void PutString(Sha256Hasher& h, std::string_view s) {
  PutU64(h, s.size());
  h.Update(s);
}

void PutDouble(Sha256Hasher& h, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  PutU64(h, bits);
}

// Drops rows whose RUL label reaches past `cutoff_ms` (the label was read from the future).
std::vector<size_t> DropFutureRul(const features::FeatureTable& table, const Labels& labels,
                                  const std::vector<size_t>& rows, int64_t cutoff_ms) {
  std::vector<size_t> kept;
  for (size_t r : rows) {
    const double reach_ms = labels.rul_hours[r] * static_cast<double>(kMillisPerHour);
    if (static_cast<double>(table.window_end_ms[r]) + reach_ms <= static_cast<double>(cutoff_ms)) {
      kept.push_back(r);
    }
  }
  return kept;
}

}  // namespace

std::string DatasetDigest(const features::FeatureTable& table,
                          const std::vector<io::Event>& events) {
  Sha256Hasher h;
  PutString(h, kDigestFormat);
  PutU64(h, table.columns.size());
  for (const std::string& c : table.columns) PutString(h, c);
  PutU64(h, table.rows());
  PutU64(h, table.values.size());
  for (size_t r = 0; r < table.rows(); ++r) {
    PutString(h, table.asset[r]);
    PutU64(h, static_cast<uint64_t>(r < table.window_end_ms.size() ? table.window_end_ms[r] : 0));
  }
  for (double v : table.values) PutDouble(h, v);

  std::vector<const io::Event*> sorted;
  for (const io::Event& e : events) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](const io::Event* a, const io::Event* b) {
    return std::tie(a->asset, a->time_ms, a->kind, a->failure_mode) <
           std::tie(b->asset, b->time_ms, b->kind, b->failure_mode);
  });
  PutU64(h, sorted.size());
  for (const io::Event* e : sorted) {
    PutString(h, e->asset);
    PutU64(h, static_cast<uint64_t>(e->time_ms));
    PutString(h, io::EventKindName(e->kind));
    PutString(h, e->failure_mode);
  }
  return h.FinalHex();
}

Result<Dataset> MakeDataset(const features::FeatureTable& table,
                            const std::vector<io::Event>& events, const DatasetOptions& options) {
  if (!(options.validation_fraction >= 0 && options.validation_fraction < 1)) {
    return InvalidArgument("validation fraction " + std::to_string(options.validation_fraction) +
                           ": expected 0 or more and less than 1");
  }
  Dataset d;
  EL_ASSIGN_OR_RETURN(d.labels, MakeLabels(table, events, options.labels));
  std::vector<size_t> candidates;
  for (size_t r = 0; r < table.rows(); ++r) {
    if (d.labels.excluded[r]) continue;
    if (options.regression && std::isnan(d.labels.rul_hours[r])) continue;
    candidates.push_back(r);
  }
  const int64_t horizon = options.labels.horizon_ms;
  EL_ASSIGN_OR_RETURN(d.outer, MakeSplit(table, candidates, options.split, horizon));
  d.test = d.outer.test;
  std::vector<size_t> train = d.outer.train;
  if (options.regression && d.outer.has_cutoff) {
    train = DropFutureRul(table, d.labels, train, d.outer.cutoff_ms);
  }
  if (options.validation_fraction > 0) {
    SplitConfig inner = options.split;
    inner.by = options.split.by == SplitBy::kAsset ? SplitBy::kAsset : SplitBy::kTime;
    inner.test_fraction = options.validation_fraction;
    inner.seed = options.split.seed + 1;
    EL_ASSIGN_OR_RETURN(Split carved, MakeSplit(table, train, inner, horizon));
    train = std::move(carved.train);
    d.validation = std::move(carved.test);
    if (options.regression && carved.has_cutoff) {
      train = DropFutureRul(table, d.labels, train, carved.cutoff_ms);
    }
  }
  d.train = std::move(train);
  d.digest = DatasetDigest(table, events);
  return d;
}

}  // namespace edgeloop::training
