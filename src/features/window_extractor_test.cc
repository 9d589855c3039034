#include "features/window_extractor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/random.h"
#include "base/time_format.h"
#include "features/internal/test_readings.h"

namespace edgeloop::features {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kJan1 = 1767225600000;  // 2026-01-01T00:00:00Z

FeatureSpec MustParse(const std::string& text) {
  Result<FeatureSpec> spec = FeatureSpec::Parse(text, "spec.yaml");
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return spec.ok() ? *spec : FeatureSpec{};
}

const char kMixedSpec[] = R"(
window: {length: 1h, hop: 15m}
min_coverage: 0.5
period: 10s
signals:
  - name: bearing_temp
    range: [-20, 150]
    functions: [mean, std, min, max, rms, p2p, skew, kurtosis, crest, slope, last_minus_first]
    change: [delta, ewma]
    health: true
  - name: flow
    functions: [mean, std, skew, kurtosis, slope]
    health: true
  - name: pressure
    functions: [rms, crest, p2p, last_minus_first]
    change: [delta]
spectral:
  - name: vib
    rate_hz: 2048
    bands: [[0, 100], [100, 400], [400, 1024]]
    dominant: true
    functions: [rms, kurtosis]
)";

std::vector<Waveform> RandomBursts(const AssetReadings& readings, Random& random) {
  std::vector<Waveform> bursts;
  for (int b = 0; b < 40; ++b) {
    Waveform w;
    w.asset = readings.asset;
    w.signal = "vib";
    w.rate_hz = 2048;
    w.start_ms = random.UniformInt(readings.time_ms.front(), readings.time_ms.back());
    double hz = random.Uniform(20, 900);
    for (int i = 0; i < 512; ++i) {
      w.samples.push_back(
          static_cast<float>(std::sin(2 * M_PI * hz * i / 2048.0) + random.Normal(0, 0.3)));
    }
    bursts.push_back(std::move(w));
  }
  std::stable_sort(bursts.begin(), bursts.end(),
                   [](const Waveform& a, const Waveform& b) { return a.start_ms < b.start_ms; });
  return bursts;
}

// One row at a time, with bursts in time order and Flush calls sprinkled in.
FeatureTable Stream(const FeatureSpec& spec, const AssetReadings& r,
                    const std::vector<Waveform>& bursts, Random& random) {
  Result<WindowExtractor> made = WindowExtractor::Create(spec, r.asset, r.signals);
  EXPECT_TRUE(made.ok()) << made.status().ToString();
  WindowExtractor extractor = std::move(made).value();
  FeatureTable table;
  table.columns = extractor.columns();
  size_t next_burst = 0;
  std::vector<double> row(r.signals.size());
  int64_t last = r.time_ms.back();
  for (size_t i = 0; i < r.rows(); ++i) {
    while (next_burst < bursts.size() && bursts[next_burst].start_ms <= r.time_ms[i]) {
      EXPECT_TRUE(extractor.PushWaveform(bursts[next_burst++]).ok());
    }
    for (size_t c = 0; c < row.size(); ++c) row[c] = r.values[c][i];
    Status pushed = extractor.Push(r.time_ms[i], row.data());
    EXPECT_TRUE(pushed.ok()) << pushed.ToString();
    if (random.Bernoulli(0.1)) {
      EXPECT_TRUE(extractor.Flush(r.time_ms[i]).ok());
    }
    if (random.Bernoulli(0.05)) extractor.TakeRowsInto(&table);
  }
  for (; next_burst < bursts.size(); ++next_burst) {
    EXPECT_TRUE(extractor.PushWaveform(bursts[next_burst]).ok());
    last = std::max(last, bursts[next_burst].start_ms);
  }
  EXPECT_TRUE(extractor.Flush(last).ok());
  extractor.TakeRowsInto(&table);
  return table;
}

void ExpectBitIdentical(const FeatureTable& a, const FeatureTable& b) {
  ASSERT_EQ(a.columns, b.columns);
  ASSERT_EQ(a.asset, b.asset);
  ASSERT_EQ(a.window_end_ms, b.window_end_ms);
  ASSERT_EQ(a.values.size(), b.values.size());
  EXPECT_EQ(std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(double)), 0);
}

TEST(WindowExtractor, StreamingAndBatchAreBitIdentical) {
  FeatureSpec spec = MustParse(kMixedSpec);
  Random random(20260101);
  std::vector<AssetReadings> assets;
  std::vector<Waveform> bursts;
  FeatureTable streamed;
  streamed.columns = spec.Columns();
  for (int a = 0; a < 3; ++a) {
    internal::RandomReadingsOptions options;
    options.asset = "P00" + std::to_string(a + 1);
    options.rows = 2500 + 500 * a;
    Random data_random = random.Fork(a);
    assets.push_back(internal::RandomReadings(options, data_random));
    size_t on_block_end = 0;
    for (int64_t t : assets.back().time_ms) on_block_end += t % spec.hop_ms == 0 ? 1 : 0;
    EXPECT_GT(on_block_end, 2u);
    std::vector<Waveform> asset_bursts = RandomBursts(assets.back(), data_random);
    Random flush_random = random.Fork(100 + a);
    streamed.Append(Stream(spec, assets.back(), asset_bursts, flush_random));
    bursts.insert(bursts.end(), asset_bursts.begin(), asset_bursts.end());
  }
  Result<FeatureTable> batch = ExtractFeatures(spec, assets, bursts);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_GT(batch->rows(), 3u * 30);
  ExpectBitIdentical(*batch, streamed);

  // The data exercised the interesting paths: missing values, NaN windows, bursts.
  size_t nan_values = 0;
  for (double v : batch->values) nan_values += std::isnan(v) ? 1 : 0;
  EXPECT_GT(nan_values, 0u);
  EXPECT_LT(nan_values, batch->values.size() / 2);
  int dominant = batch->ColumnIndex("vib__dominant_hz");
  ASSERT_GE(dominant, 0);
  size_t with_bursts = 0;
  for (size_t r = 0; r < batch->rows(); ++r)
    with_bursts += std::isnan(batch->at(r, dominant)) ? 0 : 1;
  EXPECT_GT(with_bursts, 10u);
}

TEST(WindowExtractor, PushColumnsInPiecesMatchesOneBatch) {
  FeatureSpec spec = MustParse(kMixedSpec);
  spec.spectral.clear();
  Random random(7);
  AssetReadings r = internal::RandomReadings({}, random);
  Result<FeatureTable> batch = ExtractFeatures(spec, r);
  ASSERT_TRUE(batch.ok());

  WindowExtractor extractor = WindowExtractor::Create(spec, r.asset, r.signals).value();
  size_t i = 0;
  while (i < r.rows()) {
    size_t n = std::min<size_t>(r.rows() - i, random.UniformInt(1, 700));
    std::vector<const double*> columns;
    for (const auto& column : r.values) columns.push_back(column.data() + i);
    ASSERT_TRUE(extractor.PushColumns(r.time_ms.data() + i, columns.data(), n).ok());
    i += n;
  }
  ASSERT_TRUE(extractor.Flush(r.time_ms.back()).ok());
  FeatureTable pieces;
  pieces.columns = extractor.columns();
  extractor.TakeRowsInto(&pieces);
  ExpectBitIdentical(*batch, pieces);
}

// A spec with one signal and window = hop = 1 hour, 1-minute period.
FeatureSpec HourlySpec(const std::string& signal_extra) {
  return MustParse(
      "window: {length: 1h, hop: 1h}\nperiod: 1m\nmin_coverage: 0.5\nsignals:\n"
      "  - name: x\n" +
      signal_extra);
}

AssetReadings Series(const std::vector<int64_t>& times, const std::vector<double>& values) {
  AssetReadings r;
  r.asset = "P001";
  r.signals = {"x"};
  r.time_ms = times;
  r.values = {values};
  return r;
}

TEST(WindowExtractor, WindowsAreAlignedToMultiplesOfTheHopSinceTheEpoch) {
  FeatureSpec spec = MustParse(
      "window: {length: 1h, hop: 15m}\nperiod: 1m\nsignals:\n  - {name: x, functions: [mean]}\n");
  std::vector<int64_t> times;
  std::vector<double> values;
  for (int64_t t = kJan1 + 7 * kMillisPerMinute + 13'000; t < kJan1 + 5 * kMillisPerHour;
       t += 37'000) {
    times.push_back(t);
    values.push_back(1);
  }
  FeatureTable table = ExtractFeatures(spec, Series(times, values)).value();
  ASSERT_GT(table.rows(), 10u);
  EXPECT_EQ(table.window_end_ms.front(), kJan1 + 15 * kMillisPerMinute);
  for (size_t r = 0; r < table.rows(); ++r) {
    EXPECT_EQ(table.window_end_ms[r] % (15 * kMillisPerMinute), 0);
    if (r > 0) {
      EXPECT_EQ(table.window_end_ms[r] - table.window_end_ms[r - 1], 15 * kMillisPerMinute);
    }
  }
  EXPECT_LE(table.window_end_ms.back(), times.back());
  EXPECT_GT(table.window_end_ms.back() + 15 * kMillisPerMinute, times.back());
}

TEST(WindowExtractor, AWindowCoversItsEndButNotItsStart) {
  FeatureSpec spec = MustParse(
      "window: {length: 1m, hop: 1m}\nperiod: 10s\nsignals:\n"
      "  - {name: x, functions: [mean, min, max]}\n");
  // Samples at 0s, 10s, ..., 120s with value = seconds / 10.
  std::vector<int64_t> times;
  std::vector<double> values;
  for (int s = 0; s <= 120; s += 10) {
    times.push_back(kJan1 + s * 1000);
    values.push_back(s / 10.0);
  }
  FeatureTable table = ExtractFeatures(spec, Series(times, values)).value();
  ASSERT_EQ(table.rows(), 3u);  // windows ending 0s, 60s, 120s
  EXPECT_EQ(table.window_end_ms[1], kJan1 + 60'000);
  EXPECT_DOUBLE_EQ(table.at(1, 0), 3.5);  // samples 10s..60s
  EXPECT_EQ(table.at(1, 1), 1);
  EXPECT_EQ(table.at(1, 2), 6);
}

TEST(WindowExtractor, LowCoverageGivesNaNFeaturesAndAMissingShare) {
  FeatureSpec spec = HourlySpec("    functions: [mean, std]\n    health: true\n");
  std::vector<int64_t> times;
  std::vector<double> values;
  for (int m = 1; m <= 20; ++m) {  // hour 1: 20 of 60 expected samples
    times.push_back(kJan1 + m * kMillisPerMinute);
    values.push_back(m);
  }
  for (int m = 61; m <= 120; ++m) {  // hour 2: 60 samples, 10 of them missing
    times.push_back(kJan1 + m * kMillisPerMinute);
    values.push_back(m % 6 == 0 ? kNaN : 5.0 + m % 3);
  }
  FeatureTable table = ExtractFeatures(spec, Series(times, values)).value();
  ASSERT_EQ(table.rows(), 2u);
  EXPECT_TRUE(std::isnan(table.at(0, 0)));
  EXPECT_TRUE(std::isnan(table.at(0, 1)));
  EXPECT_NEAR(table.at(0, table.ColumnIndex("x__missing")), 40.0 / 60.0, 1e-15);
  EXPECT_FALSE(std::isnan(table.at(1, 0)));
  EXPECT_NEAR(table.at(1, table.ColumnIndex("x__missing")), 10.0 / 60.0, 1e-15);
}

TEST(WindowExtractor, WindowsWithoutReadingsAreEmittedAsMissing) {
  FeatureSpec spec = HourlySpec("    functions: [mean]\n    health: true\n");
  std::vector<int64_t> times = {kJan1 + 30 * kMillisPerMinute, kJan1 + 270 * kMillisPerMinute};
  FeatureTable table = ExtractFeatures(spec, Series(times, {1, 2})).value();
  ASSERT_EQ(table.rows(), 4u);  // ends 1h, 2h, 3h, 4h; the 5h window is still open
  for (size_t r = 1; r < 4; ++r) {
    EXPECT_TRUE(std::isnan(table.at(r, 0)));
    EXPECT_EQ(table.at(r, 1), 1.0);
  }
}

TEST(WindowExtractor, FlagsAStuckSignal) {
  FeatureSpec spec = HourlySpec("    functions: [std]\n    health: true\n");
  std::vector<int64_t> times;
  std::vector<double> values;
  for (int m = 1; m <= 180; ++m) {
    if (m > 120 && m <= 151) continue;  // hour 3 has too few samples to judge
    times.push_back(kJan1 + m * kMillisPerMinute);
    values.push_back(m <= 60 ? 50.0 + (m % 2) : 73.25);
  }
  FeatureTable table = ExtractFeatures(spec, Series(times, values)).value();
  ASSERT_EQ(table.rows(), 3u);
  int stuck = table.ColumnIndex("x__stuck");
  EXPECT_EQ(table.at(0, stuck), 0.0);
  EXPECT_EQ(table.at(1, stuck), 1.0);
  EXPECT_EQ(table.at(1, 0), 0.0);      // std of a constant is exactly 0
  EXPECT_EQ(table.at(2, stuck), 0.0);  // 29 of 60 samples miss min_coverage 0.5
}

TEST(WindowExtractor, ReportsTheOutOfRangeShare) {
  FeatureSpec spec = HourlySpec("    range: [0, 100]\n    functions: [max]\n    health: true\n");
  std::vector<int64_t> times;
  std::vector<double> values;
  for (int m = 1; m <= 60; ++m) {
    times.push_back(kJan1 + m * kMillisPerMinute);
    values.push_back(m % 10 == 0 ? 200.0 : (m == 7 ? kNaN : -0.0));
  }
  FeatureTable table = ExtractFeatures(spec, Series(times, values)).value();
  ASSERT_EQ(table.rows(), 1u);
  EXPECT_DOUBLE_EQ(table.at(0, table.ColumnIndex("x__out_of_range")), 6.0 / 59.0);
  EXPECT_EQ(table.at(0, 0), 200.0);
}

TEST(WindowExtractor, ComputesDeltaAndEwmaAcrossWindows) {
  FeatureSpec spec = HourlySpec(
      "    functions: [mean]\n    change: [delta, ewma]\n"
      "    ewma_alpha: 0.5\n");
  std::vector<int64_t> times;
  std::vector<double> values;
  const double hourly[] = {10, 20, kNaN, 40};
  for (int h = 0; h < 4; ++h) {
    for (int m = 1; m <= 60; ++m) {
      times.push_back(kJan1 + (h * 60 + m) * kMillisPerMinute);
      values.push_back(hourly[h]);
    }
  }
  FeatureTable table = ExtractFeatures(spec, Series(times, values)).value();
  ASSERT_EQ(table.rows(), 4u);
  EXPECT_EQ(table.at(0, 0), 10);
  EXPECT_TRUE(std::isnan(table.at(0, 1)));
  EXPECT_EQ(table.at(0, 2), 10);
  EXPECT_EQ(table.at(1, 1), 10);
  EXPECT_EQ(table.at(1, 2), 15);
  EXPECT_TRUE(std::isnan(table.at(2, 0)));
  EXPECT_TRUE(std::isnan(table.at(2, 1)));
  EXPECT_EQ(table.at(2, 2), 15);  // a missing window keeps the average
  EXPECT_TRUE(std::isnan(table.at(3, 1)));
  EXPECT_EQ(table.at(3, 2), 27.5);
}

TEST(WindowExtractor, SlopeIsPerHour) {
  FeatureSpec spec = HourlySpec("    functions: [slope, last_minus_first]\n");
  std::vector<int64_t> times;
  std::vector<double> values;
  for (int m = 1; m <= 60; ++m) {
    times.push_back(kJan1 + m * kMillisPerMinute);
    values.push_back(100.0 + 3.0 * m / 60.0);  // 3 units per hour
  }
  FeatureTable table = ExtractFeatures(spec, Series(times, values)).value();
  ASSERT_EQ(table.rows(), 1u);
  EXPECT_NEAR(table.at(0, 0), 3.0, 1e-9);
  EXPECT_NEAR(table.at(0, 1), 3.0 * 59 / 60, 1e-12);
}

TEST(WindowExtractor, RefusesOutOfOrderTimestampsAndChangesNothing) {
  FeatureSpec spec = HourlySpec("    functions: [mean, std, slope]\n    health: true\n");
  auto run = [&](bool with_bad_rows) {
    WindowExtractor extractor = WindowExtractor::Create(spec, "P001", {"x"}).value();
    for (int m = 1; m <= 150; ++m) {
      double v = m * 0.5;
      EXPECT_TRUE(extractor.Push(kJan1 + m * kMillisPerMinute, &v).ok());
      if (with_bad_rows && m % 50 == 0) {
        double bad = 1e6;
        Status same = extractor.Push(kJan1 + m * kMillisPerMinute, &bad);
        EXPECT_EQ(same.code(), StatusCode::kInvalidArgument);
        EXPECT_NE(same.message().find("is not after the previous one"), std::string::npos);
        EXPECT_EQ(extractor.Push(kJan1, &bad).code(), StatusCode::kInvalidArgument);
        int64_t times[] = {kJan1 + (m + 1) * kMillisPerMinute, kJan1 + m * kMillisPerMinute};
        const double* columns[] = {&bad};
        EXPECT_EQ(extractor.PushColumns(times, columns, 2).code(), StatusCode::kInvalidArgument);
      }
    }
    EXPECT_TRUE(extractor.Flush(kJan1 + 150 * kMillisPerMinute).ok());
    FeatureTable table;
    table.columns = extractor.columns();
    extractor.TakeRowsInto(&table);
    return table;
  };
  FeatureTable clean = run(false);
  ASSERT_EQ(clean.rows(), 2u);
  ExpectBitIdentical(clean, run(true));
}

TEST(WindowExtractor, RefusesReadingsInAFlushedWindow) {
  FeatureSpec spec = HourlySpec("    functions: [mean]\n");
  WindowExtractor extractor = WindowExtractor::Create(spec, "P001", {"x"}).value();
  double v = 1;
  ASSERT_TRUE(extractor.Push(kJan1 + 10 * kMillisPerMinute, &v).ok());
  ASSERT_TRUE(extractor.Flush(kJan1 + 70 * kMillisPerMinute).ok());
  EXPECT_EQ(extractor.closed_through_ms(), kJan1 + kMillisPerHour);
  EXPECT_EQ(extractor.TakeRows().size(), 1u);
  Status late = extractor.Push(kJan1 + 50 * kMillisPerMinute, &v);
  EXPECT_EQ(late.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(late.message().find("closed"), std::string::npos) << late.message();
  EXPECT_TRUE(extractor.Push(kJan1 + 61 * kMillisPerMinute, &v).ok());
  EXPECT_TRUE(extractor.TakeRows().empty());
  Status jump = extractor.Flush(INT64_C(9'000'000'000'000'000));
  EXPECT_EQ(jump.code(), StatusCode::kInvalidArgument);
}

TEST(WindowExtractor, RefusesASpecSignalMissingFromTheColumns) {
  FeatureSpec spec = HourlySpec("    functions: [mean]\n");
  Result<WindowExtractor> made = WindowExtractor::Create(spec, "P001", {"y", "z"});
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().message(),
            "spec.yaml:5: signal 'x' is not in the readings (available: y, z)");
}

TEST(WindowExtractor, GroupsRowsByAssetThenTime) {
  FeatureSpec spec = MustParse(kMixedSpec);
  spec.spectral.clear();
  Random random(3);
  std::vector<AssetReadings> assets;
  for (const char* name : {"P009", "P002"}) {
    internal::RandomReadingsOptions options;
    options.asset = name;
    options.rows = 800;
    assets.push_back(internal::RandomReadings(options, random));
  }
  FeatureTable table = ExtractFeatures(spec, assets).value();
  FeatureTable first = ExtractFeatures(spec, assets[0]).value();
  ASSERT_GT(first.rows(), 0u);
  EXPECT_EQ(table.asset.front(), "P009");
  EXPECT_EQ(table.asset[first.rows()], "P002");
  EXPECT_EQ(table.asset.back(), "P002");
  for (size_t r = 1; r < table.rows(); ++r) {
    if (table.asset[r] == table.asset[r - 1]) {
      EXPECT_GT(table.window_end_ms[r], table.window_end_ms[r - 1]);
    }
  }
  assets.push_back(assets[0]);
  EXPECT_EQ(ExtractFeatures(spec, assets).status().code(), StatusCode::kInvalidArgument);
}

TEST(WindowExtractor, RefusesRaggedReadings) {
  FeatureSpec spec = HourlySpec("    functions: [mean]\n");
  AssetReadings r = Series({kJan1 + 1000, kJan1 + 2000}, {1});
  Result<FeatureTable> table = ExtractFeatures(spec, r);
  EXPECT_EQ(table.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(table.status().message().find("signal 'x' has 1 values for 2 timestamps"),
            std::string::npos);
  r = Series({kJan1 + 2000, kJan1 + 1000}, {1, 2});
  EXPECT_EQ(ExtractFeatures(spec, r).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgeloop::features
