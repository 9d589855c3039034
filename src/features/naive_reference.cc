#include "features/naive_reference.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/time_format.h"
#include "features/window_extractor.h"

namespace edgeloop::features {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct WindowSummary {
  double n = 0, mean = 0, m2 = 0, m3 = 0, m4 = 0, sum_squares = 0;
  double min = 0, max = 0, first = 0, last = 0;
  double m2_t = 0, c_tx = 0, out_of_range = 0;
};

// Two passes over the valid samples of rows [begin, end).
WindowSummary Summarise(const std::vector<int64_t>& time, const std::vector<double>& x,
                        size_t begin, size_t end, int64_t origin, const SignalSpec& signal) {
  WindowSummary w;
  double sum = 0, sum_t = 0;
  for (size_t i = begin; i < end; ++i) {
    if (std::isnan(x[i])) continue;
    if (w.n == 0) {
      w.first = w.min = w.max = x[i];
    }
    w.n += 1;
    sum += x[i];
    sum_t += static_cast<double>(time[i] - origin);
    w.min = std::min(w.min, x[i]);
    w.max = std::max(w.max, x[i]);
    w.last = x[i];
    if (x[i] < signal.range_min || x[i] > signal.range_max) w.out_of_range += 1;
  }
  if (w.n == 0) return w;
  w.mean = sum / w.n;
  double mean_t = sum_t / w.n;
  for (size_t i = begin; i < end; ++i) {
    if (std::isnan(x[i])) continue;
    double d = x[i] - w.mean;
    double dt = static_cast<double>(time[i] - origin) - mean_t;
    w.m2 += d * d;
    w.m3 += d * d * d;
    w.m4 += d * d * d * d;
    w.sum_squares += x[i] * x[i];
    w.m2_t += dt * dt;
    w.c_tx += dt * d;
  }
  return w;
}

double Value(WindowFunction f, const WindowSummary& w) {
  double variance = w.m2 / w.n;
  double rms = std::sqrt(w.sum_squares / w.n);
  bool spread = w.n >= 2 && w.m2 > 0;
  switch (f) {
    case WindowFunction::kMean:
      return w.mean;
    case WindowFunction::kStd:
      return std::sqrt(variance);
    case WindowFunction::kMin:
      return w.min;
    case WindowFunction::kMax:
      return w.max;
    case WindowFunction::kRms:
      return rms;
    case WindowFunction::kP2p:
      return w.max - w.min;
    case WindowFunction::kSkew:
      return spread ? (w.m3 / w.n) / std::pow(variance, 1.5) : kNaN;
    case WindowFunction::kKurtosis:
      return spread ? (w.m4 / w.n) / (variance * variance) : kNaN;
    case WindowFunction::kCrest:
      return rms > 0 ? std::max(std::fabs(w.min), std::fabs(w.max)) / rms : kNaN;
    case WindowFunction::kSlope:
      return w.n >= 2 && w.m2_t > 0 ? w.c_tx / w.m2_t * kMillisPerHour : kNaN;
    case WindowFunction::kLastMinusFirst:
      return w.last - w.first;
  }
  return kNaN;
}

}  // namespace

Result<FeatureTable> NaiveExtractFeatures(const FeatureSpec& spec, const AssetReadings& readings) {
  EL_RETURN_IF_ERROR(spec.Validate());
  if (!spec.spectral.empty()) {
    return InvalidArgument("naive reference: spectral signals are not covered");
  }
  EL_RETURN_IF_ERROR(spec.ValidateAgainst(readings.signals, spec.source));
  FeatureTable table;
  table.columns = spec.Columns();
  size_t rows = readings.rows();
  if (rows == 0) return table;
  for (const auto& column : readings.values) {
    if (column.size() != rows) return InvalidArgument("naive reference: ragged readings");
  }
  const std::vector<int64_t>& time = readings.time_ms;
  double expected =
      static_cast<double>(spec.window_length_ms) / static_cast<double>(spec.period_ms);
  int64_t first_end = BlockEndFor(time.front(), spec.hop_ms);
  int64_t last_end = BlockEndFor(time.back(), spec.hop_ms);
  if (last_end > time.back()) last_end -= spec.hop_ms;

  // Change state per (signal, function): every earlier value and the ewma.
  std::vector<std::vector<double>> history;
  std::vector<double> ewma;
  for (int64_t end = first_end; end <= last_end; end += spec.hop_ms) {
    size_t begin =
        std::upper_bound(time.begin(), time.end(), end - spec.window_length_ms) - time.begin();
    size_t stop = std::upper_bound(time.begin(), time.end(), end) - time.begin();
    table.asset.push_back(readings.asset);
    table.window_end_ms.push_back(end);
    size_t state = 0;
    for (const SignalSpec& signal : spec.signals) {
      const std::vector<double>& x = readings.values[readings.SignalIndex(signal.name)];
      WindowSummary w = Summarise(time, x, begin, stop, end, signal);
      double coverage = w.n / expected;
      bool enough = w.n > 0 && coverage >= spec.min_coverage;
      for (WindowFunction f : signal.functions) {
        double value = enough ? Value(f, w) : kNaN;
        if (state == history.size()) {
          history.emplace_back();
          ewma.push_back(kNaN);
        }
        const std::vector<double>& earlier = history[state];
        const size_t lag = static_cast<size_t>(signal.lag);
        table.values.push_back(value);
        for (ChangeKind c : signal.changes) {
          if (c == ChangeKind::kDelta) {
            table.values.push_back(earlier.size() >= lag ? value - earlier[earlier.size() - lag]
                                                         : kNaN);
            continue;
          }
          if (!std::isnan(value)) {
            ewma[state] = std::isnan(ewma[state])
                              ? value
                              : signal.ewma_alpha * value + (1 - signal.ewma_alpha) * ewma[state];
          }
          table.values.push_back(ewma[state]);
        }
        history[state].push_back(value);
        ++state;
      }
      if (signal.health) {
        table.values.push_back(std::max(0.0, 1.0 - coverage));
        table.values.push_back(enough && w.n >= 2 && w.min == w.max ? 1.0 : 0.0);
        table.values.push_back(w.n > 0 ? w.out_of_range / w.n : kNaN);
      }
    }
  }
  return table;
}

}  // namespace edgeloop::features
