#include "features/spectral.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "base/random.h"
#include "base/time_format.h"
#include "features/window_extractor.h"

namespace edgeloop::features {
namespace {

std::vector<float> Sine(double hz, double rate_hz, size_t n, double amplitude = 1.0) {
  std::vector<float> samples(n);
  for (size_t i = 0; i < n; ++i) {
    samples[i] =
        static_cast<float>(amplitude * std::sin(2 * M_PI * hz * static_cast<double>(i) / rate_hz));
  }
  return samples;
}

const std::vector<SpectralBand> kBands = {{0, 500}, {500, 1500}, {1500, 3000}, {3000, 6000}};

TEST(SpectralAnalyzer, PureSineDominatesItsBinAndBand) {
  SpectralAnalyzer analyzer;
  for (size_t n : {4096u, 12000u, 3001u}) {
    std::vector<float> samples = Sine(1000, 12000, n);
    std::vector<double> energy;
    double dominant = 0;
    ASSERT_TRUE(analyzer.Analyze(samples.data(), n, 12000, kBands, &energy, &dominant).ok());
    double bin = 12000.0 / static_cast<double>(n & ~size_t{1});
    EXPECT_NEAR(dominant, 1000, bin) << n;
    double total = std::accumulate(energy.begin(), energy.end(), 0.0);
    EXPECT_GT(energy[1], 0.99 * total) << n;
    // Parseval over the one-sided spectrum of a Hann-windowed unit sine:
    // sum |X_k|^2 / N = sum (w x)^2 / 2 = N * (3/8) * (1/2) / 2.
    EXPECT_NEAR(total, static_cast<double>(n & ~size_t{1}) * 3.0 / 32.0, 0.01 * total) << n;
  }
}

TEST(SpectralAnalyzer, FindsTheStrongerOfTwoTones) {
  SpectralAnalyzer analyzer;
  std::vector<float> low = Sine(250, 12000, 6000, 0.3);
  std::vector<float> high = Sine(4000, 12000, 6000, 1.0);
  for (size_t i = 0; i < low.size(); ++i) low[i] += high[i];
  std::vector<double> energy;
  double dominant = 0;
  ASSERT_TRUE(analyzer.Analyze(low.data(), low.size(), 12000, kBands, &energy, &dominant).ok());
  EXPECT_NEAR(dominant, 4000, 2.0);
  EXPECT_GT(energy[3], energy[0]);
  EXPECT_GT(energy[0], 100 * energy[2]);
}

TEST(SpectralAnalyzer, RefusesTooShortBursts) {
  SpectralAnalyzer analyzer;
  std::vector<float> samples = {1, 2, 3};
  std::vector<double> energy;
  double dominant = 0;
  EXPECT_EQ(analyzer.Analyze(samples.data(), 3, 1000, kBands, &energy, &dominant).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(analyzer.Analyze(samples.data(), 3, 0, kBands, &energy, &dominant).code(),
            StatusCode::kInvalidArgument);
}

const char kSpec[] = R"(
window: {length: 1h, hop: 30m}
period: 1m
spectral:
  - name: vib
    rate_hz: 12000
    bands: [[0, 500], [500, 1500], [1500, 3000], [3000, 6000]]
    dominant: true
    functions: [rms, p2p]
)";

Waveform Burst(int64_t start_ms, double hz) {
  Waveform w;
  w.asset = "P001";
  w.signal = "vib";
  w.start_ms = start_ms;
  w.rate_hz = 12000;
  w.samples = Sine(hz, 12000, 12000);
  return w;
}

TEST(SpectralFeatures, AWindowAveragesTheBurstsThatStartedInIt) {
  FeatureSpec spec = FeatureSpec::Parse(kSpec, "spec.yaml").value();
  const int64_t t0 = 1767225600000;  // 2026-01-01T00:00:00Z, a multiple of the hop
  AssetReadings none;
  none.asset = "P001";
  std::vector<Waveform> bursts = {
      Burst(t0 + 10 * kMillisPerMinute, 1000), Burst(t0 + 20 * kMillisPerMinute, 2000),
      Burst(t0 + 40 * kMillisPerMinute, 4000), Burst(t0 + 90 * kMillisPerMinute, 4000)};
  bursts[2].asset = "";  // bursts without an asset belong to the readings' asset
  Waveform other = Burst(t0 + 15 * kMillisPerMinute, 100);
  other.asset = "P002";
  bursts.push_back(other);
  FeatureTable table = ExtractFeatures(spec, none, bursts).value();
  ASSERT_EQ(table.rows(), 3u);  // windows ending 00:30, 01:00, 01:30
  int dominant = table.ColumnIndex("vib__dominant_hz");
  EXPECT_NEAR(table.at(0, dominant), 1500, 1.0);
  EXPECT_NEAR(table.at(1, dominant), (1000 + 2000 + 4000) / 3.0, 1.0);
  EXPECT_NEAR(table.at(2, dominant), 4000, 1.0);
  EXPECT_NEAR(table.at(0, table.ColumnIndex("vib__rms")), std::sqrt(0.5), 1e-4);
  // 1 kHz sampled at 12 kHz reaches +-1; 2 kHz only +-sin(60 deg).
  EXPECT_NEAR(table.at(0, table.ColumnIndex("vib__p2p")), (2.0 + std::sqrt(3.0)) / 2, 1e-6);
  int band_1 = table.ColumnIndex("vib__band_500_1500");
  int band_2 = table.ColumnIndex("vib__band_1500_3000");
  EXPECT_NEAR(table.at(0, band_1), table.at(0, band_2), 1e-3 * table.at(0, band_1));
}

TEST(SpectralFeatures, RefusesBurstsOfTheWrongRateOrSignal) {
  FeatureSpec spec = FeatureSpec::Parse(kSpec, "spec.yaml").value();
  WindowExtractor extractor = WindowExtractor::Create(spec, "P001", {}).value();
  Waveform w = Burst(1767225600000, 1000);
  w.rate_hz = 8000;
  Status status = extractor.PushWaveform(w);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("expects 12000 Hz"), std::string::npos) << status.message();
  w.rate_hz = 12000;
  w.signal = "vib_nde";
  EXPECT_EQ(extractor.PushWaveform(w).code(), StatusCode::kInvalidArgument);
  w.signal = "vib";
  w.asset = "P002";
  EXPECT_EQ(extractor.PushWaveform(w).code(), StatusCode::kInvalidArgument);
  w.asset = "P001";
  EXPECT_TRUE(extractor.PushWaveform(w).ok());
  ASSERT_TRUE(extractor.Flush(1767225600000 + kMillisPerHour).ok());
  EXPECT_EQ(extractor.TakeRows().size(), 3u);  // windows ending 00:00, 00:30, 01:00
  w.start_ms += 10 * kMillisPerMinute;
  EXPECT_EQ(extractor.PushWaveform(w).code(), StatusCode::kInvalidArgument);  // window closed
}

}  // namespace
}  // namespace edgeloop::features
