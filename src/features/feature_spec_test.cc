#include "features/feature_spec.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "base/file_system.h"
#include "base/time_format.h"

namespace edgeloop::features {
namespace {

const char kExample[] = R"(# pump feature spec
window: {length: 6h, hop: 1h}
min_coverage: 0.5
period: 10m
signals:
  - name: bearing_temp
    unit: degC
    range: [-20, 150]
    functions: [mean, std, min, max, rms, p2p, skew, kurtosis, crest, slope, last_minus_first]
    change: [delta, ewma]
    ewma_alpha: 0.3
    health: true
  - name: flow
    functions: [mean]
spectral:
  - name: vib_de_raw
    rate_hz: 12000
    bands: [[0, 500], [500, 1500], [1500, 3000], [3000, 6000]]
    dominant: true
    functions: [rms, kurtosis, crest, p2p]
)";

// The same spec: other key order, block style, comments, other spellings of the same values.
const char kReformatted[] = R"(
period: 600s   # ten minutes
signals:
- functions:
  - mean
  - std
  - min
  - max
  - rms
  - p2p
  - skew
  - kurtosis
  - crest
  - slope
  - last_minus_first
  name: "bearing_temp"
  health: yes
  change: [delta, ewma]
  ewma_alpha: 0.30
  range: [-20.0, 1.5e2]
  unit: 'degC'
- {name: flow, functions: [mean]}
window:
  hop: 60m
  length: 360m
spectral:
- name: vib_de_raw
  functions: [rms, kurtosis, crest, p2p]
  dominant: true
  bands:
  - [0, 500]
  - [500, 1500]
  - [1500, 3000]
  - [3000, 6000]
  rate_hz: 12e3
min_coverage: .5
)";

FeatureSpec MustParse(const std::string& text) {
  Result<FeatureSpec> spec = FeatureSpec::Parse(text, "train.yaml");
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return spec.ok() ? *spec : FeatureSpec{};
}

std::string ParseError(const std::string& text) {
  Result<FeatureSpec> spec = FeatureSpec::Parse(text, "train.yaml");
  EXPECT_FALSE(spec.ok()) << text;
  EXPECT_EQ(spec.status().code(), StatusCode::kInvalidArgument);
  return spec.status().message();
}

TEST(FeatureSpec, ParsesTheDocumentedFormat) {
  FeatureSpec spec = MustParse(kExample);
  EXPECT_EQ(spec.window_length_ms, 6 * kMillisPerHour);
  EXPECT_EQ(spec.hop_ms, kMillisPerHour);
  EXPECT_EQ(spec.period_ms, 10 * kMillisPerMinute);
  EXPECT_DOUBLE_EQ(spec.min_coverage, 0.5);
  ASSERT_EQ(spec.signals.size(), 2u);
  EXPECT_EQ(spec.signals[0].line, 6);
  EXPECT_EQ(spec.signals[1].line, 13);
  EXPECT_EQ(spec.signals[0].range_min, -20);
  EXPECT_TRUE(spec.signals[0].health);
  ASSERT_EQ(spec.spectral.size(), 1u);
  EXPECT_EQ(spec.spectral[0].bands.size(), 4u);

  std::vector<std::string> columns = spec.Columns();
  ASSERT_EQ(columns.size(), 11u * 3 + 3 + 1 + 4 + 1 + 4);
  EXPECT_EQ(columns[0], "bearing_temp__mean");
  EXPECT_EQ(columns[1], "bearing_temp__mean__delta");
  EXPECT_EQ(columns[2], "bearing_temp__mean__ewma");
  EXPECT_EQ(columns[33], "bearing_temp__missing");
  EXPECT_EQ(columns[34], "bearing_temp__stuck");
  EXPECT_EQ(columns[35], "bearing_temp__out_of_range");
  EXPECT_EQ(columns[36], "flow__mean");
  EXPECT_EQ(columns[37], "vib_de_raw__band_0_500");
  EXPECT_EQ(columns[41], "vib_de_raw__dominant_hz");
  EXPECT_EQ(columns[42], "vib_de_raw__rms");
}

TEST(FeatureSpec, DigestIgnoresFormattingCommentsAndKeyOrder) {
  FeatureSpec a = MustParse(kExample);
  FeatureSpec b = MustParse(kReformatted);
  EXPECT_EQ(a.ToYaml(), b.ToYaml());
  EXPECT_EQ(a.Digest(), b.Digest());
  EXPECT_EQ(a.Digest().size(), 64u);
}

TEST(FeatureSpec, DigestChangesWithARealChange) {
  std::string base = kExample;
  std::string digest = MustParse(base).Digest();
  auto changed = [&](const std::string& from, const std::string& to) {
    std::string text = base;
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    return MustParse(text).Digest();
  };
  EXPECT_NE(changed("min_coverage: 0.5", "min_coverage: 0.6"), digest);
  EXPECT_NE(changed("hop: 1h", "hop: 2h"), digest);
  EXPECT_NE(changed("ewma_alpha: 0.3", "ewma_alpha: 0.2"), digest);
  EXPECT_NE(changed("[500, 1500]", "[500, 1600]"), digest);
  EXPECT_NE(changed("functions: [mean]", "functions: [mean, max]"), digest);
  EXPECT_NE(changed("range: [-20, 150]", "range: [-20, 140]"), digest);
}

TEST(FeatureSpec, CanonicalYamlParsesBackToTheSameDigest) {
  FeatureSpec spec = MustParse(kExample);
  FeatureSpec again = MustParse(spec.ToYaml());
  EXPECT_EQ(again.ToYaml(), spec.ToYaml());
  EXPECT_EQ(again.Digest(), spec.Digest());
  EXPECT_EQ(again.Columns(), spec.Columns());
}

TEST(FeatureSpec, UnknownFunctionNamesLineAndKey) {
  std::string text = kExample;
  text.replace(text.find("functions: [mean]"), 17, "functions: [meen]");
  std::string message = ParseError(text);
  EXPECT_NE(message.find("train.yaml:14:"), std::string::npos) << message;
  EXPECT_NE(message.find("functions"), std::string::npos) << message;
  EXPECT_NE(message.find("'meen'"), std::string::npos) << message;
}

TEST(FeatureSpec, UnknownKeysAreRejectedWithTheirLine) {
  std::string top = std::string(kExample) + "windw: 3h\n";
  std::string message = ParseError(top);
  EXPECT_NE(message.find("train.yaml:21: windw: unknown key"), std::string::npos) << message;

  std::string nested = kExample;
  nested.replace(nested.find("    unit: degC"), 14, "    units: degC");
  message = ParseError(nested);
  EXPECT_NE(message.find("train.yaml:7: units: unknown key"), std::string::npos) << message;
}

TEST(FeatureSpec, RejectsBadWindows) {
  std::string signals = "period: 10m\nsignals:\n  - {name: a, functions: [mean]}\n";
  EXPECT_NE(
      ParseError("window: {length: 1h, hop: 2h}\n" + signals).find("train.yaml:1: window.hop"),
      std::string::npos);
  EXPECT_NE(ParseError("window: {length: 0s, hop: 0s}\n" + signals).find("positive"),
            std::string::npos);
  EXPECT_NE(ParseError("window: {length: 5h, hop: 2h}\n" + signals).find("multiple"),
            std::string::npos);
  EXPECT_NE(ParseError("window: {length: 5h}\n" + signals).find("missing key 'hop'"),
            std::string::npos);
  EXPECT_NE(ParseError("window: {length: 5x, hop: 1h}\n" + signals).find("unknown duration unit"),
            std::string::npos);
}

TEST(FeatureSpec, RejectsAnEmptySignalList) {
  std::string message = ParseError("window: {length: 6h, hop: 1h}\nperiod: 10m\nsignals: []\n");
  EXPECT_NE(message.find("train.yaml:3: signals"), std::string::npos) << message;
  EXPECT_NE(ParseError("").find("empty"), std::string::npos);
}

TEST(FeatureSpec, RejectsSemanticErrorsAtTheSignalLine) {
  const std::string head = "window: {length: 6h, hop: 1h}\nperiod: 10m\nsignals:\n";
  std::string message = ParseError(head + "  - {name: a, functions: [mean, mean]}\n");
  EXPECT_NE(message.find("train.yaml:4: signal 'a': functions"), std::string::npos) << message;
  message = ParseError(head + "  - {name: a, functions: [mean], range: [5, 1]}\n");
  EXPECT_NE(message.find("range"), std::string::npos) << message;
  message =
      ParseError(head + "  - {name: a, functions: [mean]}\n  - {name: a, functions: [max]}\n");
  EXPECT_NE(message.find("train.yaml:5: name: signal 'a' is listed twice"), std::string::npos)
      << message;
  message = ParseError(head + "  - {name: a, functions: [mean], change: [ewma], ewma_alpha: 2}\n");
  EXPECT_NE(message.find("ewma_alpha"), std::string::npos) << message;
  message = ParseError(head + "  - {name: a, functions: [mean], change: [diff]}\n");
  EXPECT_NE(message.find("unknown change 'diff'"), std::string::npos) << message;
  message = ParseError(head +
                       "  - {name: a, functions: [mean]}\nspectral:\n"
                       "  - {name: v, rate_hz: 1000, bands: [[0, 600]]}\n");
  EXPECT_NE(message.find("train.yaml:6: spectral signal 'v': bands"), std::string::npos) << message;
  message = ParseError(head + "  - {name: a, functions: mean}\n");
  EXPECT_NE(message.find("expected a list"), std::string::npos) << message;
}

TEST(FeatureSpec, InvalidYamlNamesTheLine) {
  std::string message = ParseError("window: {length: 6h, hop: 1h}\nperiod: 10m\nsignals: [\n");
  EXPECT_NE(message.find("train.yaml:"), std::string::npos) << message;
  EXPECT_NE(message.find("not a valid feature spec"), std::string::npos) << message;
}

TEST(FeatureSpec, ValidateAgainstNamesTheSignalAndItsLine) {
  std::string text = kExample;
  text.replace(text.find("name: bearing_temp"), 18, "name: bearing_tmp");
  FeatureSpec spec = MustParse(text);
  Status status = spec.ValidateAgainst({"bearing_temp", "flow"}, "train.yaml");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "train.yaml:6: signal 'bearing_tmp' is not in the readings (available: bearing_temp, "
            "flow)");
  EXPECT_TRUE(MustParse(kExample).ValidateAgainst({"flow", "bearing_temp", "x"}, "t.yaml").ok());
}

TEST(FeatureSpec, LoadsFromAFileAndNamesItInErrors) {
  char dir_template[] = "/tmp/feature_spec_test_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string dir = dir_template;
  PosixFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic(dir + "/spec.yaml", kExample).ok());
  Result<FeatureSpec> spec = FeatureSpec::Load(fs, dir + "/spec.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->Digest(), MustParse(kExample).Digest());

  ASSERT_TRUE(fs.WriteFileAtomic(dir + "/bad.yaml", "window: 3\n").ok());
  Result<FeatureSpec> bad = FeatureSpec::Load(fs, dir + "/bad.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(dir + "/bad.yaml:1: window"), std::string::npos)
      << bad.status().message();
  EXPECT_FALSE(FeatureSpec::Load(fs, dir + "/missing.yaml").ok());
  ASSERT_TRUE(fs.Remove(dir + "/spec.yaml").ok());
  ASSERT_TRUE(fs.Remove(dir + "/bad.yaml").ok());
  ASSERT_TRUE(fs.Remove(dir).ok());
}

TEST(FeatureSpec, ValidateChecksSpecsBuiltInCode) {
  FeatureSpec spec;
  spec.window_length_ms = kMillisPerHour;
  spec.hop_ms = kMillisPerHour;
  spec.period_ms = kMillisPerMinute;
  EXPECT_FALSE(spec.Validate().ok());  // no signal
  SignalSpec signal;
  signal.name = "flow";
  signal.functions = {WindowFunction::kMean};
  spec.signals.push_back(signal);
  EXPECT_TRUE(spec.Validate().ok());
  spec.signals[0].name = "flow rate";
  EXPECT_FALSE(spec.Validate().ok());
}

}  // namespace
}  // namespace edgeloop::features
