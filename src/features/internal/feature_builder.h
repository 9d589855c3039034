// FeatureBuilder: turns the hop-sized blocks of one window into one feature row.
//
// A Block holds, per process-rate signal, the Moments of the block's samples and, per spectral
// signal, the sum of the feature vectors of the bursts that started in the block. Build merges
// the window's blocks oldest first (Pebay), applies the coverage rule, computes the window
// functions and health flags, averages the bursts, and updates the change state (delta, ewma),
// which is why it is called once per window, in time order. Holds a pointer to the spec, which
// must outlive it. Not thread-safe; no errors (bad values become NaN).
#pragma once

#include <cstdint>
#include <vector>

#include "base/readings.h"
#include "base/status.h"
#include "features/feature_spec.h"
#include "features/internal/moments.h"
#include "features/spectral.h"

namespace edgeloop::features::internal {

struct SpectralSum {
  double bursts = 0;
  std::vector<double> sums;  // laid out as the signal's columns: bands, dominant_hz, functions
};

struct Block {
  int64_t end_ms = 0;
  std::vector<Moments> signals;       // per FeatureSpec::signals
  std::vector<SpectralSum> spectral;  // per FeatureSpec::spectral
};

// The value of one window function of a span with moments `m` (times in ms); NaN when undefined.
double FunctionValue(WindowFunction function, const Moments& m);

// The feature vector of one burst (layout of SpectralSum::sums). `times` and `samples` are
// scratch space. InvalidArgument when the burst is too short for a spectrum.
Status BurstFeatures(const SpectralSignalSpec& spec, const Waveform& waveform,
                     SpectralAnalyzer* analyzer, BlockTimes* times, std::vector<double>* samples,
                     std::vector<double>* out);

class FeatureBuilder {
 public:
  explicit FeatureBuilder(const FeatureSpec* spec);

  size_t columns() const { return columns_; }
  // `blocks` are the window's blocks, oldest first; writes columns() values to `out`.
  void Build(int64_t window_end_ms, const std::vector<const Block*>& blocks, double* out);

 private:
  struct ChangeState {
    size_t lag = 1;
    std::vector<double> history;  // the last `lag` values, a ring; once full, next is the oldest
    size_t next = 0;
    double ewma = 0;
    bool has_ewma = false;
  };

  const FeatureSpec* spec_;
  size_t columns_ = 0;
  double expected_samples_ = 0;       // per window, from length / period
  std::vector<ChangeState> changes_;  // per (signal, function)
  std::vector<double> spectral_sum_;
};

}  // namespace edgeloop::features::internal
