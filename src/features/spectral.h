// SpectralAnalyzer: the frequency-domain features of one waveform burst (raw vibration).
//
// The burst is multiplied by a periodic Hann window and transformed with KISS FFT's real
// transform (float). Band energy is the sum of |X_k|^2 over the bins whose frequency
// f_k = k * rate / N lies in [lo, hi) (the Nyquist bin counts for a band ending at Nyquist),
// divided by N; the dominant frequency is that of the strongest bin above DC. An odd-length burst
// drops its last sample (the real transform needs an even length).
//
// Owns one FFT plan and window per burst length it has seen. Not thread-safe: give each thread
// its own. Analyze returns InvalidArgument for a burst shorter than 4 samples or a bad rate.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <vector>

#include "base/status.h"
#include "features/feature_spec.h"

namespace edgeloop::features {

class SpectralAnalyzer {
 public:
  SpectralAnalyzer();
  ~SpectralAnalyzer();
  SpectralAnalyzer(SpectralAnalyzer&&) noexcept;
  SpectralAnalyzer& operator=(SpectralAnalyzer&&) noexcept;
  SpectralAnalyzer(const SpectralAnalyzer&) = delete;
  SpectralAnalyzer& operator=(const SpectralAnalyzer&) = delete;

  // Fills `band_energy` (one per band, resized) and `dominant_hz`.
  Status Analyze(const float* samples, size_t n, double rate_hz,
                 const std::vector<SpectralBand>& bands, std::vector<double>* band_energy,
                 double* dominant_hz);

 private:
  struct Plan;
  Plan* PlanFor(size_t n);

  std::map<size_t, std::unique_ptr<Plan>> plans_;
  std::vector<float> windowed_;
  std::vector<double> power_;
};

}  // namespace edgeloop::features
