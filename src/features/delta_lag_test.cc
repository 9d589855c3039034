// The `lag` of a delta change: value minus the value `lag` windows earlier.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "base/random.h"
#include "base/sha256.h"
#include "features/feature_spec.h"
#include "features/internal/test_readings.h"
#include "features/naive_reference.h"
#include "features/window_extractor.h"

namespace edgeloop::features {
namespace {

constexpr int64_t kJan1 = 1767225600000;  // 2026-01-01T00:00:00Z

FeatureSpec MustParse(const std::string& text) {
  Result<FeatureSpec> spec = FeatureSpec::Parse(text, "spec.yaml");
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return spec.ok() ? *spec : FeatureSpec{};
}

TEST(DeltaLag, ExistingSpecsKeepTheirCanonicalTextAndDigest) {
  FeatureSpec spec = MustParse(
      "window: {length: 6h, hop: 1h}\nperiod: 10m\n"
      "signals:\n  - {name: bearing_temp, functions: [mean, max], change: [delta]}\n");
  EXPECT_EQ(spec.signals[0].lag, 1);
  const std::string canonical =
      "window: {length: 6h, hop: 1h}\nmin_coverage: 0.5\nperiod: 10m\nsignals:\n"
      "  - name: \"bearing_temp\"\n    unit: \"\"\n    functions: [mean, max]\n"
      "    change: [delta]\n    health: false\n";
  EXPECT_EQ(spec.ToYaml(), canonical);
  // The digest this spec had before `lag` existed.
  EXPECT_EQ(spec.Digest(), "74500ecb84c20abc9f8f671095ede851a9fb4ad6534b6758dfe42e46fa9775c5");
  // Writing the default explicitly is the same spec.
  FeatureSpec explicit_lag = MustParse(
      "window: {length: 6h, hop: 1h}\nperiod: 10m\n"
      "signals:\n  - {name: bearing_temp, functions: [mean, max], change: [delta], lag: 1}\n");
  EXPECT_EQ(explicit_lag.Digest(), spec.Digest());
}

TEST(DeltaLag, ALagIsWrittenParsedBackAndChangesTheDigest) {
  FeatureSpec spec = MustParse(
      "window: {length: 10s, hop: 1s}\nperiod: 1s\n"
      "signals:\n  - {name: t, functions: [mean], change: [delta], lag: 60}\n");
  EXPECT_EQ(spec.signals[0].lag, 60);
  EXPECT_NE(spec.ToYaml().find("    lag: 60\n"), std::string::npos);
  Result<FeatureSpec> again = FeatureSpec::Parse(spec.ToYaml(), "canonical.yaml");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->signals[0].lag, 60);
  EXPECT_EQ(again->Digest(), spec.Digest());
  FeatureSpec lag1 = spec;
  lag1.signals[0].lag = 1;
  EXPECT_NE(lag1.Digest(), spec.Digest());
}

TEST(DeltaLag, RejectsLagsBelowOneNamingTheLine) {
  for (const char* bad : {"0", "-3", "1.5", "many"}) {
    Result<FeatureSpec> spec = FeatureSpec::Parse(
        std::string("window: {length: 10s, hop: 1s}\nperiod: 1s\nsignals:\n"
                    "  - name: t\n    functions: [mean]\n    change: [delta]\n    lag: ") +
            bad + "\n",
        "spec.yaml");
    ASSERT_FALSE(spec.ok()) << bad;
    EXPECT_NE(spec.status().message().find("spec.yaml:7"), std::string::npos)
        << spec.status().ToString();
    EXPECT_NE(spec.status().message().find("lag"), std::string::npos);
  }
  FeatureSpec code = MustParse(
      "window: {length: 10s, hop: 1s}\nperiod: 1s\nsignals:\n  - {name: t, functions: [mean]}\n");
  code.signals[0].lag = 0;
  EXPECT_FALSE(code.Validate().ok());
}

TEST(DeltaLag, DeltaIsTheValueMinusTheOneLagWindowsEarlier) {
  FeatureSpec spec = MustParse(
      "window: {length: 1s, hop: 1s}\nperiod: 1s\n"
      "signals:\n  - {name: x, functions: [mean], change: [delta], lag: 3}\n");
  AssetReadings r;
  r.asset = "P001";
  r.signals = {"x"};
  r.values.resize(1);
  for (int i = 0; i < 8; ++i) {
    r.time_ms.push_back(kJan1 + 1000 * (i + 1));
    r.values[0].push_back(static_cast<double>(i * i));
  }
  Result<FeatureTable> table = ExtractFeatures(spec, r);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->rows(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    const double delta = table->values[i * 2 + 1];
    if (i < 3) {
      EXPECT_TRUE(std::isnan(delta)) << i;
    } else {
      EXPECT_EQ(delta, static_cast<double>(i * i) - static_cast<double>((i - 3) * (i - 3))) << i;
    }
  }
}

TEST(DeltaLag, ExtractorMatchesTheNaiveReferenceOnIrregularReadings) {
  FeatureSpec spec = MustParse(
      "window: {length: 1h, hop: 10m}\nperiod: 10s\nmin_coverage: 0.3\n"
      "signals:\n"
      "  - {name: bearing_temp, functions: [mean, max], change: [delta, ewma], lag: 7}\n"
      "  - {name: flow, functions: [std], change: [delta]}\n");
  Random random(17);
  AssetReadings r = internal::RandomReadings({}, random);
  Result<FeatureTable> fast = ExtractFeatures(spec, r);
  Result<FeatureTable> naive = NaiveExtractFeatures(spec, r);
  ASSERT_TRUE(fast.ok()) << fast.status().ToString();
  ASSERT_TRUE(naive.ok()) << naive.status().ToString();
  ASSERT_EQ(fast->values.size(), naive->values.size());
  size_t compared = 0;
  for (size_t i = 0; i < fast->values.size(); ++i) {
    const double a = fast->values[i], b = naive->values[i];
    if (std::isnan(b)) {
      EXPECT_TRUE(std::isnan(a)) << i;
      continue;
    }
    EXPECT_NEAR(a, b, 1e-9 * (1 + std::fabs(b))) << i;
    ++compared;
  }
  EXPECT_GT(compared, fast->values.size() / 2);
}

}  // namespace
}  // namespace edgeloop::features
