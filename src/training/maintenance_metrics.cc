#include "training/maintenance_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "base/time_format.h"
#include "training/labels.h"

namespace edgeloop::training {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Rate(double num, double den) { return den > 0 ? num / den : kNaN; }

}  // namespace

double Median(std::vector<double> values) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

double ObservedAssetDays(const std::vector<Prediction>& rows) {
  std::map<std::string, std::vector<int64_t>> times;
  for (const Prediction& p : rows) times[p.asset].push_back(p.time_ms);
  double total_ms = 0;
  for (auto& [asset, t] : times) {
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    if (t.size() < 2) continue;  // one window: its spacing is unknown
    std::vector<double> gaps;
    for (size_t i = 1; i < t.size(); ++i) gaps.push_back(static_cast<double>(t[i] - t[i - 1]));
    const double typical = Median(gaps);
    for (double g : gaps) total_ms += std::min(g, typical);
    total_ms += typical;
  }
  return total_ms / static_cast<double>(kMillisPerDay);
}

Result<MaintenanceMetrics> EvaluateMaintenance(const std::vector<Prediction>& rows,
                                               const std::vector<io::Event>& events,
                                               double threshold, int64_t horizon_ms,
                                               const AlertPolicy& policy) {
  if (horizon_ms <= 0 || horizon_ms > kMaxEventTimeMs) {
    return InvalidArgument("horizon " + std::to_string(horizon_ms) +
                           " ms: expected more than 0 and less than 8,000 years");
  }
  EL_ASSIGN_OR_RETURN(std::vector<AlertEpisode> alerts,
                      FindAlertEpisodes(rows, threshold, policy, events));

  std::map<std::string, std::vector<int64_t>> row_times, failure_times;
  std::map<std::string, std::vector<const AlertEpisode*>> episodes;  // sorted by start
  for (const Prediction& p : rows) row_times[p.asset].push_back(p.time_ms);
  for (auto& [asset, t] : row_times) std::sort(t.begin(), t.end());
  for (const AlertEpisode& a : alerts) episodes[a.asset].push_back(&a);
  for (const io::Event& e : events) {
    if (e.kind == io::EventKind::kFailure) failure_times[e.asset].push_back(e.time_ms);
  }
  for (auto& [asset, t] : failure_times) std::sort(t.begin(), t.end());

  MaintenanceMetrics m;
  for (const auto& [asset, failures] : failure_times) {
    auto rt = row_times.find(asset);
    if (rt == row_times.end()) continue;
    const auto ep = episodes.find(asset);
    for (int64_t f : failures) {
      const int64_t span_start = f - horizon_ms;
      auto first_row = std::lower_bound(rt->second.begin(), rt->second.end(), span_start);
      if (first_row == rt->second.end() || *first_row >= f) continue;
      ++m.failures;
      if (ep == episodes.end()) continue;
      for (const AlertEpisode* a : ep->second) {
        if (a->start_ms >= f) break;
        if (a->end_ms < span_start) continue;
        ++m.caught;
        m.lead_times_hours.push_back(static_cast<double>(f - std::max(a->start_ms, span_start)) /
                                     static_cast<double>(kMillisPerHour));
        break;
      }
    }
  }
  m.alerts = alerts.size();
  for (const AlertEpisode& a : alerts) {
    auto ft = failure_times.find(a.asset);
    bool caught_one = false;
    if (ft != failure_times.end()) {
      auto it = std::upper_bound(ft->second.begin(), ft->second.end(), a.start_ms);
      caught_one = it != ft->second.end() && *it <= a.end_ms + horizon_ms;
    }
    if (!caught_one) ++m.false_alarms;
  }
  m.event_recall = Rate(static_cast<double>(m.caught), static_cast<double>(m.failures));
  m.median_lead_time_hours = Median(m.lead_times_hours);
  m.observed_asset_days = ObservedAssetDays(rows);
  m.false_alarms_per_1000_asset_days =
      Rate(1000.0 * static_cast<double>(m.false_alarms), m.observed_asset_days);
  return m;
}

}  // namespace edgeloop::training
