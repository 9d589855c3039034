#include "features/internal/feature_builder.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/time_format.h"

namespace edgeloop::features::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

double FunctionValue(WindowFunction function, const Moments& m) {
  if (m.n <= 0) return kNaN;
  double variance = m.m2 / m.n;
  switch (function) {
    case WindowFunction::kMean:
      return m.mean;
    case WindowFunction::kStd:
      return std::sqrt(variance);
    case WindowFunction::kMin:
      return m.min;
    case WindowFunction::kMax:
      return m.max;
    case WindowFunction::kRms:
      return std::sqrt(m.mean * m.mean + variance);
    case WindowFunction::kP2p:
      return m.max - m.min;
    case WindowFunction::kSkew:
      if (m.n < 2 || m.m2 == 0) return kNaN;
      return (m.m3 / m.n) / (variance * std::sqrt(variance));
    case WindowFunction::kKurtosis:
      if (m.n < 2 || m.m2 == 0) return kNaN;
      return (m.m4 / m.n) / (variance * variance);
    case WindowFunction::kCrest: {
      double rms = std::sqrt(m.mean * m.mean + variance);
      if (rms == 0) return kNaN;
      return std::max(std::fabs(m.min), std::fabs(m.max)) / rms;
    }
    case WindowFunction::kSlope:
      if (m.n < 2 || m.m2_t == 0) return kNaN;
      return m.c_tx / m.m2_t * static_cast<double>(kMillisPerHour);
    case WindowFunction::kLastMinusFirst:
      return m.last - m.first;
  }
  return kNaN;
}

Status BurstFeatures(const SpectralSignalSpec& spec, const Waveform& waveform,
                     SpectralAnalyzer* analyzer, BlockTimes* times, std::vector<double>* samples,
                     std::vector<double>* out) {
  out->clear();
  std::vector<double> bands;
  double dominant_hz = 0;
  EL_RETURN_IF_ERROR(analyzer->Analyze(waveform.samples.data(), waveform.samples.size(),
                                       spec.rate_hz, spec.bands, &bands, &dominant_hz));
  out->insert(out->end(), bands.begin(), bands.end());
  if (spec.dominant) out->push_back(dominant_hz);
  if (!spec.functions.empty()) {
    size_t n = waveform.samples.size();
    samples->assign(waveform.samples.begin(), waveform.samples.end());
    times->PrepareEven(n, 1000.0 / spec.rate_hz);
    Moments m = AccumulateBlock(*times, samples->data(), n, false, 0, 0);
    for (WindowFunction f : spec.functions) out->push_back(FunctionValue(f, m));
  }
  return Status::Ok();
}

FeatureBuilder::FeatureBuilder(const FeatureSpec* spec) : spec_(spec) {
  columns_ = spec->Columns().size();
  expected_samples_ =
      static_cast<double>(spec->window_length_ms) / static_cast<double>(spec->period_ms);
  for (const SignalSpec& s : spec->signals) {
    for (size_t f = 0; f < s.functions.size(); ++f) {
      changes_.emplace_back();
      changes_.back().lag = static_cast<size_t>(std::max(s.lag, 1));
    }
  }
}

void FeatureBuilder::Build(int64_t window_end_ms, const std::vector<const Block*>& blocks,
                           double* out) {
  size_t col = 0;
  size_t change_index = 0;
  for (size_t s = 0; s < spec_->signals.size(); ++s) {
    const SignalSpec& signal = spec_->signals[s];
    Moments window;
    for (const Block* block : blocks) {
      Moments part = block->signals[s];
      ShiftTime(&part, static_cast<double>(block->end_ms - window_end_ms));
      window = Merge(window, part);
    }
    double coverage = window.n / expected_samples_;
    bool enough = window.n > 0 && coverage >= spec_->min_coverage;
    for (WindowFunction f : signal.functions) {
      double value = enough ? FunctionValue(f, window) : kNaN;
      out[col++] = value;
      ChangeState& state = changes_[change_index++];
      for (ChangeKind c : signal.changes) {
        if (c == ChangeKind::kDelta) {
          const bool full = state.history.size() == state.lag;
          out[col++] = full ? value - state.history[state.next] : kNaN;
        } else if (value == value) {
          state.ewma = state.has_ewma
                           ? signal.ewma_alpha * value + (1.0 - signal.ewma_alpha) * state.ewma
                           : value;
          state.has_ewma = true;
          out[col++] = state.ewma;
        } else {
          out[col++] = state.has_ewma ? state.ewma : kNaN;
        }
      }
      if (state.history.size() < state.lag) {
        state.history.push_back(value);
      } else {
        state.history[state.next] = value;
        state.next = (state.next + 1) % state.history.size();
      }
    }
    if (signal.health) {
      out[col++] = coverage >= 1 ? 0.0 : 1.0 - coverage;
      out[col++] = enough && window.n >= 2 && window.min == window.max ? 1.0 : 0.0;
      out[col++] = window.n > 0 ? window.out_of_range / window.n : kNaN;
    }
  }
  for (size_t s = 0; s < spec_->spectral.size(); ++s) {
    double bursts = 0;
    spectral_sum_.clear();
    for (const Block* block : blocks) {
      const SpectralSum& part = block->spectral[s];
      if (part.bursts == 0) continue;
      if (spectral_sum_.empty()) spectral_sum_.assign(part.sums.size(), 0.0);
      for (size_t k = 0; k < part.sums.size(); ++k) spectral_sum_[k] += part.sums[k];
      bursts += part.bursts;
    }
    const SpectralSignalSpec& signal = spec_->spectral[s];
    size_t width = signal.bands.size() + (signal.dominant ? 1 : 0) + signal.functions.size();
    for (size_t k = 0; k < width; ++k) out[col++] = bursts > 0 ? spectral_sum_[k] / bursts : kNaN;
  }
}

}  // namespace edgeloop::features::internal
