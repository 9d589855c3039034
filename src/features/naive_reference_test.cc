#include "features/naive_reference.h"

#include <gtest/gtest.h>

#include <cmath>

#include "base/random.h"
#include "features/internal/test_readings.h"
#include "features/window_extractor.h"

namespace edgeloop::features {
namespace {

const char kSpec[] = R"(
window: {length: 2h, hop: 20m}
min_coverage: 0.4
period: 10s
signals:
  - name: bearing_temp
    range: [-20, 150]
    functions: [mean, std, min, max, rms, p2p, skew, kurtosis, crest, slope, last_minus_first]
    change: [delta, ewma]
    ewma_alpha: 0.25
    health: true
  - name: flow
    functions: [mean, std, min, max, rms, p2p, skew, kurtosis, crest, slope, last_minus_first]
    health: true
  - name: pressure
    functions: [mean, std, skew, kurtosis, slope]
    change: [delta]
)";

// Both NaN, or equal within 1e-9 relative (1e-12 absolute for values that are exactly zero).
bool Close(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)) + 1e-12;
}

TEST(NaiveReference, AgreesWithTheBlockExtractorOnRandomData) {
  FeatureSpec spec = FeatureSpec::Parse(kSpec, "spec.yaml").value();
  for (uint64_t seed : {1u, 2u, 3u}) {
    Random random(seed);
    internal::RandomReadingsOptions options;
    options.rows = 4000;
    options.missing_share = 0.1 * static_cast<double>(seed);
    AssetReadings readings = internal::RandomReadings(options, random);
    Result<FeatureTable> fast = ExtractFeatures(spec, readings);
    Result<FeatureTable> naive = NaiveExtractFeatures(spec, readings);
    ASSERT_TRUE(fast.ok()) << fast.status().ToString();
    ASSERT_TRUE(naive.ok()) << naive.status().ToString();
    ASSERT_EQ(fast->columns, naive->columns);
    ASSERT_EQ(fast->window_end_ms, naive->window_end_ms);
    ASSERT_GT(fast->rows(), 20u);
    size_t defined = 0;
    for (size_t r = 0; r < fast->rows(); ++r) {
      for (size_t c = 0; c < fast->cols(); ++c) {
        double a = fast->at(r, c), b = naive->at(r, c);
        EXPECT_TRUE(Close(a, b)) << "seed " << seed << " row " << r << " " << fast->columns[c]
                                 << ": " << a << " vs " << b;
        defined += std::isnan(a) ? 0 : 1;
      }
    }
    EXPECT_GT(defined, fast->values.size() / 2);
  }
}

TEST(NaiveReference, RefusesSpectralSignals) {
  std::string text =
      std::string(kSpec) + "spectral:\n  - {name: vib, rate_hz: 1000, dominant: true}\n";
  FeatureSpec spec = FeatureSpec::Parse(text, "spec.yaml").value();
  Random random(1);
  AssetReadings readings = internal::RandomReadings({}, random);
  EXPECT_EQ(NaiveExtractFeatures(spec, readings).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgeloop::features
