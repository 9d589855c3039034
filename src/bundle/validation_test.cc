#include "bundle/validation.h"

#include <gtest/gtest.h>

#include <atomic>

#include "base/sha256.h"
#include "bundle/bundle_builder.h"
#include "bundle/testing/test_bundle.h"

namespace edgeloop::bundle {
namespace {

// Every read of monotonic time is `step_ns` after the previous one, so each timed call takes
// exactly one step.
class SteppingClock final : public Clock {
 public:
  explicit SteppingClock(int64_t step_ns) : step_ns_(step_ns) {}
  int64_t NowMillis() const override { return 1'767'225'600'000; }
  int64_t MonotonicNanos() const override { return now_ns_.fetch_add(step_ns_) + step_ns_; }

 private:
  int64_t step_ns_;
  mutable std::atomic<int64_t> now_ns_ = 0;
};

const SigningKey& Key() {
  static const SigningKey key = testing::TestKey(42);
  return key;
}

std::string Build() { return std::move(BuildBundle(testing::TestInputs(), Key())).value(); }

// The first read says 100 MiB resident, the second 100 MiB + `growth`.
ValidationOptions ScriptedMemory(int64_t growth, int iterations = 10) {
  ValidationOptions options;
  options.latency_iterations = iterations;
  auto calls = std::make_shared<int>(0);
  options.read_memory = [calls, growth]() -> Result<ProcessMemory> {
    const int64_t base = int64_t{100} << 20;
    return (*calls)++ == 0 ? ProcessMemory{base, base + 5}
                           : ProcessMemory{base + growth, base + growth + 7};
  };
  return options;
}

const GateResult& Gate(const ValidationReport& report, const std::string& name) {
  for (const GateResult& g : report.gates) {
    if (g.name == name) return g;
  }
  static const GateResult missing;
  ADD_FAILURE() << "no gate " << name;
  return missing;
}

TEST(ValidateBundle, PassesDefaultGatesWithDeterministicMeasurements) {
  const std::string bytes = Build();
  SteppingClock clock(1500);
  Result<ValidationReport> r =
      ValidateBundle(bytes, {Key().public_key()}, ValidationGates{}, clock, ScriptedMemory(4096));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->verified);
  EXPECT_TRUE(r->passed);
  EXPECT_EQ(r->bundle_digest, Sha256Hex(bytes));
  EXPECT_EQ(r->bundle_bytes, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(r->model, "pump-failure");
  EXPECT_EQ(r->version, 3);
  EXPECT_EQ(r->golden_rows, 6);
  EXPECT_EQ(r->golden_max_abs_error, 0.0);
  EXPECT_EQ(r->latency_iterations, 10);
  EXPECT_DOUBLE_EQ(r->p50_latency_us, 1.5);
  EXPECT_DOUBLE_EQ(r->p99_latency_us, 1.5);
  EXPECT_DOUBLE_EQ(r->batch_per_row_us, 1.5 / 60);
  EXPECT_EQ(r->memory_bytes, 4096);
  EXPECT_EQ(r->peak_rss_bytes, (int64_t{100} << 20) + 4096 + 7);
  ASSERT_EQ(r->gates.size(), 6u);
  for (const GateResult& g : r->gates) EXPECT_TRUE(g.passed) << g.name;
  EXPECT_EQ(Gate(*r, "p50_latency").limit, 200);
  EXPECT_EQ(Gate(*r, "golden_rows").comparison, ">=");
}

TEST(ValidateBundle, ReportJsonIsCanonicalAndComplete) {
  const std::string bytes = Build();
  SteppingClock clock_a(1000);
  SteppingClock clock_b(1000);
  auto a = ValidateBundle(bytes, {Key().public_key()}, {}, clock_a, ScriptedMemory(0));
  auto b = ValidateBundle(bytes, {Key().public_key()}, {}, clock_b, ScriptedMemory(0));
  ASSERT_TRUE(a.ok() && b.ok());
  const std::string json = a->ToJson();
  EXPECT_EQ(json, b->ToJson());
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_LT(json.find("\"bundle_bytes\""), json.find("\"bundle_digest\""));  // sorted keys
  for (const char* field : {"\"passed\":true", "\"p99_latency_us\":1.0", "\"name\":\"memory\"",
                            "\"model\":\"pump-failure\"", "\"version\":3"}) {
    EXPECT_NE(json.find(field), std::string::npos) << field << " in " << json;
  }
}

TEST(ValidateBundle, SlowScoringFailsOnlyTheLatencyGates) {
  SteppingClock clock(2'000'000);  // 2 ms per call
  Result<ValidationReport> r =
      ValidateBundle(Build(), {Key().public_key()}, {}, clock, ScriptedMemory(0));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->verified);
  EXPECT_FALSE(r->passed);
  EXPECT_FALSE(Gate(*r, "p50_latency").passed);
  EXPECT_FALSE(Gate(*r, "p99_latency").passed);
  EXPECT_TRUE(Gate(*r, "memory").passed);
  EXPECT_TRUE(Gate(*r, "golden_error").passed);
  const std::string text = RenderReport(*r);
  EXPECT_NE(text.find("FAIL  p50_latency 2000 us <= 200"), std::string::npos) << text;
  EXPECT_NE(text.find("result        FAILED"), std::string::npos) << text;
}

TEST(ValidateBundle, MemorySizeAndGoldenRowGatesUseTheirLimits) {
  ValidationGates gates;
  gates.max_memory_bytes = 1 << 20;
  gates.max_bundle_bytes = 100;
  gates.min_golden_rows = 7;
  SteppingClock clock(1000);
  Result<ValidationReport> r =
      ValidateBundle(Build(), {Key().public_key()}, gates, clock, ScriptedMemory(2 << 20));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->passed);
  EXPECT_FALSE(Gate(*r, "memory").passed);
  EXPECT_EQ(Gate(*r, "memory").value, 2 << 20);
  EXPECT_FALSE(Gate(*r, "bundle_size").passed);
  EXPECT_FALSE(Gate(*r, "golden_rows").passed);
  EXPECT_TRUE(Gate(*r, "p50_latency").passed);
}

TEST(ValidateBundle, UntrustedKeyIsAFailedCheckNotAnError) {
  SteppingClock clock(1000);
  Result<ValidationReport> r = ValidateBundle(Build(), {testing::TestKey(7).public_key()}, {},
                                              clock, ScriptedMemory(0));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->verified);
  EXPECT_FALSE(r->passed);
  EXPECT_TRUE(r->gates.empty());
  EXPECT_EQ(r->verification.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(r->failed_check, "manifest signature does not verify with any trusted key");
  EXPECT_NE(r->ToJson().find("\"check\":\"manifest signature does not verify with any trusted "
                             "key\""),
            std::string::npos);
  EXPECT_NE(RenderReport(*r).find("FAILED: manifest signature"), std::string::npos);
}

TEST(ValidateBundle, ChangedByteIsRejectedNamingTheCheck) {
  std::string bytes = Build();
  bytes[bytes.size() / 2] ^= 0x01;
  SteppingClock clock(1000);
  Result<ValidationReport> r =
      ValidateBundle(bytes, {Key().public_key()}, {}, clock, ScriptedMemory(0));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->verified);
  EXPECT_FALSE(r->verification.ok());
  EXPECT_FALSE(r->failed_check.empty());
  EXPECT_NE(r->verification.message().find(r->failed_check), std::string::npos);
}

TEST(ValidateBundle, MissingFileIsRejectedNamingTheFile) {
  Result<BundleContents> contents = PrepareBundle(testing::TestInputs());
  ASSERT_TRUE(contents.ok());
  contents->files.erase(std::string(kGoldenFile));
  Result<std::string> bytes = SignAndPack(*contents, Key());
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  SteppingClock clock(1000);
  Result<ValidationReport> r =
      ValidateBundle(*bytes, {Key().public_key()}, {}, clock, ScriptedMemory(0));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->verified);
  EXPECT_EQ(r->verification.code(), StatusCode::kDataLoss);
  EXPECT_EQ(r->failed_check, "file golden.csv is listed in the manifest but missing");
}

TEST(ValidateBundle, RealMemoryProbeMeasuresThisProcess) {
  SteppingClock clock(1000);
  ValidationOptions options;
  options.latency_iterations = 2;
  Result<ValidationReport> r = ValidateBundle(Build(), {Key().public_key()}, {}, clock, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->peak_rss_bytes, 0);
  EXPECT_GE(r->memory_bytes, 0);
}

TEST(ValidationGates, EmptyTextKeepsDefaults) {
  Result<ValidationGates> g = ParseValidationGates("", "gates.yaml");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->max_p50_latency_us, 200);
  EXPECT_EQ(g->golden_tolerance, 1e-6);
}

TEST(ValidationGates, ReadsNestedGatesWithSizeUnits) {
  Result<ValidationGates> g = ParseValidationGates(
      "gates:\n  max_p50_latency_us: 50\n  max_p99_latency_us: 400\n  max_memory_bytes: 8MiB\n"
      "  max_bundle_bytes: 512KiB\n  golden_tolerance: 1e-9\n  min_golden_rows: 20\n",
      "gates.yaml");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->max_p50_latency_us, 50);
  EXPECT_EQ(g->max_p99_latency_us, 400);
  EXPECT_EQ(g->max_memory_bytes, 8 << 20);
  EXPECT_EQ(g->max_bundle_bytes, 512 << 10);
  EXPECT_EQ(g->golden_tolerance, 1e-9);
  EXPECT_EQ(g->min_golden_rows, 20);
}

TEST(ValidationGates, ErrorsNameFileAndLine) {
  Result<ValidationGates> unknown =
      ParseValidationGates("max_p50_latency_us: 5\nmax_latency: 3\n", "gates.yaml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.status().message().rfind("gates.yaml:2: unknown gate 'max_latency'", 0), 0u)
      << unknown.status().message();
  EXPECT_NE(ParseValidationGates("max_memory_bytes: -4\n", "g.yaml").status().message().find(
                "g.yaml:1: max_memory_bytes"),
            std::string::npos);
  EXPECT_EQ(ParseValidationGates("max_p50_latency_us: [1\n", "g.yaml").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseValidationGates("golden_tolerance: lots\n", "g.yaml").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseValidationGates("max_p50_latency_us: 10\nmax_p99_latency_us: 5\n", "g.yaml")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgeloop::bundle
