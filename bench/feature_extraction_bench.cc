// Window feature extraction throughput, in samples per second:
//   BM_BlockExtractor   — ExtractFeatures (per-block statistics merged per window)
//   BM_NaiveReference   — the two-pass reference that re-scans every window's samples
//   BM_BurstFeatures    — spectral + time-domain features of one 1-second 12 kHz burst
//   BM_SpectrumOnly     — the FFT, band energies and dominant frequency alone
// on identical synthetic data: one asset, 8 signals at a 1-second period, 6h windows, 1h hop.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/readings.h"
#include "features/feature_spec.h"
#include "features/naive_reference.h"
#include "features/spectral.h"
#include "features/window_extractor.h"

namespace edgeloop::features {
namespace {

constexpr int64_t kStart = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr size_t kSignals = 8;

std::string TimeDomainSpec() {
  std::string text = "window: {length: 6h, hop: 1h}\nmin_coverage: 0.5\nperiod: 1s\nsignals:\n";
  for (size_t s = 0; s < kSignals; ++s) {
    text += "  - name: s" + std::to_string(s) +
            "\n    functions: [mean, std, min, max, rms, p2p, skew, kurtosis, crest, slope, "
            "last_minus_first]\n";
  }
  return text;
}

AssetReadings SyntheticReadings(size_t rows, double missing_share) {
  Random random(42);
  AssetReadings r;
  r.asset = "P001";
  r.time_ms.resize(rows);
  for (size_t i = 0; i < rows; ++i) r.time_ms[i] = kStart + static_cast<int64_t>(i) * 1000;
  for (size_t s = 0; s < kSignals; ++s) {
    r.signals.push_back("s" + std::to_string(s));
    std::vector<double> column(rows);
    double level = 50.0 + 10.0 * static_cast<double>(s);
    for (size_t i = 0; i < rows; ++i) {
      level += random.Normal(0, 0.01);
      column[i] = random.Bernoulli(missing_share) ? std::nan("") : level + random.Normal(0, 1);
    }
    r.values.push_back(std::move(column));
  }
  return r;
}

void BM_BlockExtractor(benchmark::State& state) {
  FeatureSpec spec = FeatureSpec::Parse(TimeDomainSpec(), "bench").value();
  AssetReadings readings = SyntheticReadings(7 * 86400, state.range(0) / 100.0);
  size_t rows_out = 0;
  for (auto _ : state) {
    Result<FeatureTable> table = ExtractFeatures(spec, readings);
    rows_out = table->rows();
    benchmark::DoNotOptimize(table->values.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(readings.rows() * kSignals));
  state.counters["windows"] = static_cast<double>(rows_out);
}
BENCHMARK(BM_BlockExtractor)->Arg(0)->Arg(1)->ArgName("missing_pct")->Unit(benchmark::kMillisecond);

void BM_NaiveReference(benchmark::State& state) {
  FeatureSpec spec = FeatureSpec::Parse(TimeDomainSpec(), "bench").value();
  AssetReadings readings = SyntheticReadings(7 * 86400, state.range(0) / 100.0);
  for (auto _ : state) {
    Result<FeatureTable> table = NaiveExtractFeatures(spec, readings);
    benchmark::DoNotOptimize(table->values.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(readings.rows() * kSignals));
}
BENCHMARK(BM_NaiveReference)->Arg(0)->Arg(1)->ArgName("missing_pct")->Unit(benchmark::kMillisecond);

std::vector<float> Burst(size_t n) {
  Random random(7);
  std::vector<float> samples(n);
  for (size_t i = 0; i < n; ++i) {
    double t = static_cast<double>(i) / 12000.0;
    samples[i] = static_cast<float>(std::sin(2 * M_PI * 157 * t) +
                                    0.3 * std::sin(2 * M_PI * 2300 * t) + random.Normal(0, 0.1));
  }
  return samples;
}

void BM_BurstFeatures(benchmark::State& state) {
  FeatureSpec spec = FeatureSpec::Parse(
                         "window: {length: 6h, hop: 1h}\nperiod: 1s\nspectral:\n"
                         "  - name: vib\n    rate_hz: 12000\n"
                         "    bands: [[0, 500], [500, 1500], [1500, 3000], [3000, 6000]]\n"
                         "    dominant: true\n    functions: [rms, kurtosis, crest, p2p]\n",
                         "bench")
                         .value();
  WindowExtractor extractor = WindowExtractor::Create(spec, "P001", {}).value();
  Waveform burst;
  burst.asset = "P001";
  burst.signal = "vib";
  burst.rate_hz = 12000;
  burst.samples = Burst(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    burst.start_ms += 1000;
    benchmark::DoNotOptimize(extractor.PushWaveform(burst).ok());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BurstFeatures)->Arg(12000)->Arg(16384)->ArgName("samples");

void BM_SpectrumOnly(benchmark::State& state) {
  SpectralAnalyzer analyzer;
  std::vector<float> samples = Burst(static_cast<size_t>(state.range(0)));
  std::vector<SpectralBand> bands = {{0, 500}, {500, 1500}, {1500, 3000}, {3000, 6000}};
  std::vector<double> energy;
  double dominant = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        analyzer.Analyze(samples.data(), samples.size(), 12000, bands, &energy, &dominant).ok());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SpectrumOnly)->Arg(12000)->Arg(16384)->ArgName("samples");

}  // namespace
}  // namespace edgeloop::features

BENCHMARK_MAIN();
