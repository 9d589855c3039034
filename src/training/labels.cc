#include "training/labels.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include "base/time_format.h"

namespace edgeloop::training {
namespace {

// Upper bound for a horizon or a window length: a century is far more than any maintenance
// horizon and keeps time arithmetic far from overflow.
constexpr int64_t kMaxSpanMs = 100LL * 366 * kMillisPerDay;
constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

struct DownTime {
  int64_t start_ms;  // the failure
  int64_t end_ms;    // the repair, or kForever when none was recorded
};

struct AssetHistory {
  std::vector<int64_t> failures;  // sorted
  std::vector<DownTime> down;     // sorted, merged, disjoint
  int64_t observed_end_ms = std::numeric_limits<int64_t>::min();
};

std::string EventName(size_t i, const io::Event& e) {
  return "events[" + std::to_string(i) + "] (" + std::string(io::EventKindName(e.kind)) +
         " of asset " + e.asset + ")";
}

// Pairs each failure with the first repair at or after it and merges overlapping down times.
std::vector<DownTime> DownTimes(const std::vector<int64_t>& failures,
                                const std::vector<int64_t>& repairs) {
  std::vector<DownTime> raw;
  for (int64_t f : failures) {
    auto it = std::lower_bound(repairs.begin(), repairs.end(), f);
    raw.push_back({f, it == repairs.end() ? kForever : *it});
  }
  std::vector<DownTime> merged;
  for (const DownTime& d : raw) {  // failures are sorted, so starts are sorted
    if (!merged.empty() && d.start_ms <= merged.back().end_ms) {
      merged.back().end_ms = std::max(merged.back().end_ms, d.end_ms);
    } else {
      merged.push_back(d);
    }
  }
  return merged;
}

// True when the window (end - length, end] meets [down.start, down.end]. A zero-length window is
// the instant `end`.
bool WindowMeets(int64_t end, int64_t length, const DownTime& down) {
  if (end < down.start_ms) return false;
  if (length == 0) return end <= down.end_ms;
  return end - length < down.end_ms;
}

bool InDownTime(const AssetHistory& h, int64_t end, int64_t length) {
  // Only the last down time starting at or before `end` can meet the window: the earlier ones
  // end before it starts.
  auto it = std::upper_bound(h.down.begin(), h.down.end(), end,
                             [](int64_t t, const DownTime& d) { return t < d.start_ms; });
  if (it == h.down.begin()) return false;
  return WindowMeets(end, length, *std::prev(it));
}

}  // namespace

size_t Labels::CountExcluded() const {
  return static_cast<size_t>(std::count(excluded.begin(), excluded.end(), 1));
}

size_t Labels::CountPositives() const {
  size_t n = 0;
  for (size_t i = 0; i < excluded.size(); ++i) {
    if (!excluded[i] && failure_within_horizon[i]) ++n;
  }
  return n;
}

Status ValidateFeatureTable(const features::FeatureTable& table) {
  if (table.window_end_ms.size() != table.asset.size()) {
    return InvalidArgument("feature table: " + std::to_string(table.asset.size()) + " assets but " +
                           std::to_string(table.window_end_ms.size()) +
                           " window ends; expected one of each per row");
  }
  if (table.values.size() != table.rows() * table.cols()) {
    return InvalidArgument("feature table: " + std::to_string(table.values.size()) +
                           " values; expected rows x columns = " + std::to_string(table.rows()) +
                           " x " + std::to_string(table.cols()));
  }
  for (size_t r = 0; r < table.rows(); ++r) {
    if (table.asset[r].empty()) {
      return InvalidArgument("feature row " + std::to_string(r) + ": empty asset id");
    }
    if (table.window_end_ms[r] < kMinEventTimeMs || table.window_end_ms[r] > kMaxEventTimeMs) {
      return InvalidArgument("feature row " + std::to_string(r) + " of asset " + table.asset[r] +
                             ": window end " + std::to_string(table.window_end_ms[r]) +
                             " ms is not a finite time (expected years 1..9999)");
    }
  }
  return Status::Ok();
}

Status ValidateEvents(const features::FeatureTable& table, const std::vector<io::Event>& events) {
  std::unordered_map<std::string, bool> known;
  for (const std::string& a : table.asset) known.emplace(a, true);
  for (size_t i = 0; i < events.size(); ++i) {
    const io::Event& e = events[i];
    if (e.time_ms < kMinEventTimeMs || e.time_ms > kMaxEventTimeMs) {
      return InvalidArgument(EventName(i, e) + ": timestamp " + std::to_string(e.time_ms) +
                             " ms is not a finite time (expected years 1..9999)");
    }
    if (known.find(e.asset) == known.end()) {
      return InvalidArgument(EventName(i, e) + " at " + FormatTimestamp(e.time_ms) +
                             ": asset has no feature rows");
    }
  }
  return Status::Ok();
}

Status ValidateLabelConfig(const LabelConfig& config) {
  if (config.horizon_ms <= 0 || config.horizon_ms > kMaxSpanMs) {
    return InvalidArgument("label horizon " + std::to_string(config.horizon_ms) +
                           " ms: expected more than 0 and at most 100 years");
  }
  if (config.window_length_ms < 0 || config.window_length_ms > kMaxSpanMs) {
    return InvalidArgument("window length " + std::to_string(config.window_length_ms) +
                           " ms: expected 0 or more and at most 100 years");
  }
  if (!std::isnan(config.rul_cap_hours) &&
      !(config.rul_cap_hours > 0 && std::isfinite(config.rul_cap_hours))) {
    return InvalidArgument("rul cap " + std::to_string(config.rul_cap_hours) +
                           " h: expected a positive number of hours, or none");
  }
  return Status::Ok();
}

Result<Labels> MakeLabels(const features::FeatureTable& table, const std::vector<io::Event>& events,
                          const LabelConfig& config) {
  EL_RETURN_IF_ERROR(ValidateLabelConfig(config));
  EL_RETURN_IF_ERROR(ValidateFeatureTable(table));
  EL_RETURN_IF_ERROR(ValidateEvents(table, events));

  std::unordered_map<std::string, AssetHistory> history;
  std::unordered_map<std::string, std::vector<int64_t>> repairs;
  for (size_t r = 0; r < table.rows(); ++r) {
    AssetHistory& h = history[table.asset[r]];
    h.observed_end_ms = std::max(h.observed_end_ms, table.window_end_ms[r]);
  }
  for (const io::Event& e : events) {
    AssetHistory& h = history[e.asset];
    h.observed_end_ms = std::max(h.observed_end_ms, e.time_ms);
    if (e.kind == io::EventKind::kFailure) h.failures.push_back(e.time_ms);
    if (e.kind == io::EventKind::kRepair) repairs[e.asset].push_back(e.time_ms);
  }
  for (auto& [asset, h] : history) {
    std::sort(h.failures.begin(), h.failures.end());
    std::vector<int64_t>& rep = repairs[asset];
    std::sort(rep.begin(), rep.end());
    h.down = DownTimes(h.failures, rep);
  }

  const size_t n = table.rows();
  Labels labels;
  labels.failure_within_horizon.assign(n, 0);
  labels.rul_hours.assign(n, std::numeric_limits<double>::quiet_NaN());
  labels.excluded.assign(n, 0);
  for (size_t r = 0; r < n; ++r) {
    const AssetHistory& h = history.at(table.asset[r]);
    const int64_t end = table.window_end_ms[r];
    auto next = std::upper_bound(h.failures.begin(), h.failures.end(), end);
    if (next != h.failures.end()) {
      double rul = static_cast<double>(*next - end) / static_cast<double>(kMillisPerHour);
      if (!std::isnan(config.rul_cap_hours)) rul = std::min(rul, config.rul_cap_hours);
      labels.rul_hours[r] = rul;
      labels.failure_within_horizon[r] = (*next - end <= config.horizon_ms) ? 1 : 0;
    }
    bool excluded = InDownTime(h, end, config.window_length_ms);
    if (config.exclude_unknown_future && !labels.failure_within_horizon[r] &&
        end + config.horizon_ms > h.observed_end_ms) {
      excluded = true;
    }
    labels.excluded[r] = excluded ? 1 : 0;
  }
  return labels;
}

}  // namespace edgeloop::training
