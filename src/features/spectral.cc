#include "features/spectral.h"

#include <kissfft/kiss_fftr.h>

#include <cmath>
#include <string>

#include "base/strings.h"

namespace edgeloop::features {
namespace {

// The first bin k (at most `bins`) whose frequency k * bin_hz is >= hz, with the same
// floating-point comparison a scan over the bins would make.
size_t FirstBinAtOrAbove(double hz, double bin_hz, size_t bins) {
  double guess = std::ceil(hz / bin_hz);
  size_t k = guess <= 0                           ? 0
             : guess >= static_cast<double>(bins) ? bins
                                                  : static_cast<size_t>(guess);
  while (k > 0 && static_cast<double>(k - 1) * bin_hz >= hz) --k;
  while (k < bins && static_cast<double>(k) * bin_hz < hz) ++k;
  return k;
}

}  // namespace

struct SpectralAnalyzer::Plan {
  explicit Plan(size_t n) : config(kiss_fftr_alloc(static_cast<int>(n), 0, nullptr, nullptr)) {
    window.resize(n);
    const double kTwoPi = 6.283185307179586476925286766559;
    for (size_t i = 0; i < n; ++i) {
      window[i] = static_cast<float>(
          0.5 - 0.5 * std::cos(kTwoPi * static_cast<double>(i) / static_cast<double>(n)));
    }
    spectrum.resize(n / 2 + 1);
  }
  ~Plan() { kiss_fftr_free(config); }
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  kiss_fftr_cfg config;
  std::vector<float> window;
  std::vector<kiss_fft_cpx> spectrum;
};

SpectralAnalyzer::SpectralAnalyzer() = default;
SpectralAnalyzer::~SpectralAnalyzer() = default;
SpectralAnalyzer::SpectralAnalyzer(SpectralAnalyzer&&) noexcept = default;
SpectralAnalyzer& SpectralAnalyzer::operator=(SpectralAnalyzer&&) noexcept = default;

SpectralAnalyzer::Plan* SpectralAnalyzer::PlanFor(size_t n) {
  std::unique_ptr<Plan>& plan = plans_[n];
  if (!plan) plan = std::make_unique<Plan>(n);
  return plan.get();
}

Status SpectralAnalyzer::Analyze(const float* samples, size_t n, double rate_hz,
                                 const std::vector<SpectralBand>& bands,
                                 std::vector<double>* band_energy, double* dominant_hz) {
  if (!(rate_hz > 0) || !std::isfinite(rate_hz)) {
    return InvalidArgument("waveform: sample rate " + FormatDouble(rate_hz) +
                           " Hz is not positive");
  }
  n &= ~size_t{1};
  if (n < 4) {
    return InvalidArgument("waveform: a burst needs at least 4 samples for a spectrum, got " +
                           std::to_string(n));
  }
  if (n > (size_t{1} << 30))
    return InvalidArgument("waveform: burst of " + std::to_string(n) + " samples is too long");
  Plan* plan = PlanFor(n);
  windowed_.resize(n);
  for (size_t i = 0; i < n; ++i) windowed_[i] = samples[i] * plan->window[i];
  kiss_fftr(plan->config, windowed_.data(), plan->spectrum.data());

  size_t bins = n / 2 + 1;
  power_.resize(bins);
  size_t strongest = 1;
  for (size_t k = 0; k < bins; ++k) {
    double re = plan->spectrum[k].r, im = plan->spectrum[k].i;
    power_[k] = re * re + im * im;
    if (k >= 1 && power_[k] > power_[strongest]) strongest = k;
  }
  double bin_hz = rate_hz / static_cast<double>(n);
  double nyquist = rate_hz / 2;
  band_energy->assign(bands.size(), 0.0);
  for (size_t b = 0; b < bands.size(); ++b) {
    size_t begin = FirstBinAtOrAbove(bands[b].lo_hz, bin_hz, bins);
    size_t end = bands[b].hi_hz >= nyquist ? bins : FirstBinAtOrAbove(bands[b].hi_hz, bin_hz, bins);
    double sum = 0;
    for (size_t k = begin; k < end; ++k) sum += power_[k];
    (*band_energy)[b] = sum / static_cast<double>(n);
  }
  *dominant_hz = static_cast<double>(strongest) * bin_hz;
  return Status::Ok();
}

}  // namespace edgeloop::features
