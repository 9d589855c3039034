#include "training/alerts.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>

#include "base/strings.h"
#include "training/labels.h"

namespace edgeloop::training {
namespace {

// Row indices grouped by asset, each group sorted by time (ties by index).
std::map<std::string, std::vector<size_t>> RowsByAsset(const std::vector<Prediction>& rows) {
  std::map<std::string, std::vector<size_t>> by_asset;
  for (size_t i = 0; i < rows.size(); ++i) by_asset[rows[i].asset].push_back(i);
  for (auto& [asset, idx] : by_asset) {
    std::stable_sort(idx.begin(), idx.end(),
                     [&](size_t a, size_t b) { return rows[a].time_ms < rows[b].time_ms; });
  }
  return by_asset;
}

std::map<std::string, std::vector<int64_t>> FailuresByAsset(const std::vector<io::Event>& events) {
  std::map<std::string, std::vector<int64_t>> failures;
  for (const io::Event& e : events) {
    if (e.kind == io::EventKind::kFailure) failures[e.asset].push_back(e.time_ms);
  }
  for (auto& [asset, times] : failures) std::sort(times.begin(), times.end());
  return failures;
}

bool FailureBetween(const std::vector<int64_t>& failures, int64_t after, int64_t until) {
  auto it = std::upper_bound(failures.begin(), failures.end(), after);
  return it != failures.end() && *it <= until;
}

}  // namespace

Status ValidateAlertPolicy(const AlertPolicy& policy) {
  if (policy.n < 1 || policy.k < 1 || policy.k > policy.n) {
    return InvalidArgument("alert smoothing " + std::to_string(policy.k) + " of " +
                           std::to_string(policy.n) + ": expected 1 <= k <= n");
  }
  if (policy.cooldown_ms < 0) {
    return InvalidArgument("alert cooldown " + std::to_string(policy.cooldown_ms) +
                           " ms: expected 0 or more");
  }
  return Status::Ok();
}

Result<std::vector<AlertEpisode>> FindAlertEpisodes(const std::vector<Prediction>& rows,
                                                    double threshold, const AlertPolicy& policy,
                                                    const std::vector<io::Event>& events) {
  EL_RETURN_IF_ERROR(ValidateAlertPolicy(policy));
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!std::isfinite(rows[i].score)) {
      return InvalidArgument("row " + std::to_string(i) + " of asset " + rows[i].asset +
                             ": score " + FormatDouble(rows[i].score) + " is not finite");
    }
    if (rows[i].time_ms < kMinEventTimeMs || rows[i].time_ms > kMaxEventTimeMs) {
      return InvalidArgument("row " + std::to_string(i) + " of asset " + rows[i].asset + ": time " +
                             std::to_string(rows[i].time_ms) +
                             " ms is not a finite time (expected years 1..9999)");
    }
  }
  const auto failures = FailuresByAsset(events);
  const std::vector<int64_t> no_failures;
  std::vector<AlertEpisode> episodes;
  for (const auto& [asset, idx] : RowsByAsset(rows)) {
    auto f = failures.find(asset);
    const std::vector<int64_t>& asset_failures = f == failures.end() ? no_failures : f->second;
    std::deque<bool> recent;  // raw over/under of the last n windows
    int recent_over = 0;
    bool open = false;       // the previous window was over: the current episode runs on
    bool has_alert = false;  // episodes.back() is this asset's alert since the last failure
    for (size_t j = 0; j < idx.size(); ++j) {
      const Prediction& row = rows[idx[j]];
      if (j > 0 && FailureBetween(asset_failures, rows[idx[j - 1]].time_ms, row.time_ms)) {
        recent.clear();
        recent_over = 0;
        open = has_alert = false;
      }
      const bool raw = row.score >= threshold;
      recent.push_back(raw);
      recent_over += raw ? 1 : 0;
      if (static_cast<int>(recent.size()) > policy.n) {
        recent_over -= recent.front() ? 1 : 0;
        recent.pop_front();
      }
      const bool over = recent_over >= policy.k;
      if (!over) {
        open = false;
        continue;
      }
      const bool extends = open || (has_alert && policy.cooldown_ms > 0 &&
                                    row.time_ms - episodes.back().end_ms < policy.cooldown_ms);
      if (!extends) {
        episodes.push_back({asset, row.time_ms, row.time_ms, 0});
        has_alert = true;
      }
      open = true;
      episodes.back().end_ms = row.time_ms;
      ++episodes.back().windows;
    }
  }
  return episodes;
}

}  // namespace edgeloop::training
