#include "bundle/manifest.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bundle/testing/test_bundle.h"

namespace edgeloop::bundle {
namespace {

Manifest TestManifest() {
  Result<BundleContents> contents = PrepareBundle(testing::TestInputs());
  EXPECT_TRUE(contents.ok()) << contents.status().ToString();
  return contents->manifest;
}

TEST(Manifest, JsonRoundTripsToAnEqualManifest) {
  Manifest m = TestManifest();
  Result<Manifest> parsed = Manifest::Parse(m.ToJson());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, m);
  EXPECT_EQ(parsed->ToJson(), m.ToJson());
  EXPECT_EQ(parsed->files.size(), 3u);
  EXPECT_EQ(parsed->reference_histograms[0].counts, (std::vector<int64_t>{5, 20, 3}));
  EXPECT_TRUE(parsed->reference_histograms[1].edges.empty());
}

TEST(Manifest, SerialisationIsCanonicalWithSortedKeys) {
  Manifest m = TestManifest();
  std::string json = m.ToJson();
  EXPECT_EQ(json.rfind("{\"alert_policy\":{\"cooldown_ms\":21600000,\"k\":2,\"n\":3}", 0), 0u)
      << json.substr(0, 80);
  EXPECT_NE(json.find("\"threshold\":0.62"), std::string::npos);
  EXPECT_EQ(json.back(), '\n');
  // Whitespace and formatting do not matter: pretty-printed text parses to the same bytes.
  std::string pretty = nlohmann::json::parse(json).dump(2);
  Result<Manifest> reparsed = Manifest::Parse(pretty);
  ASSERT_TRUE(reparsed.ok()) << reparsed.status().ToString();
  EXPECT_EQ(reparsed->ToJson(), json);
}

TEST(Manifest, ParseErrorsNameTheField) {
  Manifest m = TestManifest();
  std::string json = m.ToJson();
  auto error_of = [](const std::string& text) { return Manifest::Parse(text).status().message(); };

  std::string no_threshold = json;
  no_threshold.replace(no_threshold.find("\"threshold\""), 11, "\"thresholx\"");
  EXPECT_EQ(error_of(no_threshold), "manifest.json: threshold: missing");

  std::string bad_k = json;
  bad_k.replace(bad_k.find("\"k\":2"), 5, "\"k\":\"2\"");
  EXPECT_EQ(error_of(bad_k), "manifest.json: alert_policy.k: expected an integer");

  std::string k_over_n = json;
  k_over_n.replace(k_over_n.find("\"k\":2"), 5, "\"k\":4");
  EXPECT_NE(error_of(k_over_n).find("alert_policy.k: expected 1 <= k <= n"), std::string::npos);

  std::string version = json;
  version.replace(version.find("\"format_version\":1"), 18, "\"format_version\":2");
  EXPECT_NE(error_of(version).find("format_version: expected 1"), std::string::npos);

  EXPECT_EQ(error_of("{not json"), "manifest.json: not valid JSON");
  EXPECT_EQ(error_of("[]"), "manifest.json: (document): expected a JSON object");
}

TEST(Manifest, ValidateChecksHistogramsSchemaAndPaths) {
  Manifest m = TestManifest();
  ASSERT_TRUE(m.Validate().ok());
  Manifest unknown = m;
  unknown.reference_histograms[0].feature = "flow__mean";
  EXPECT_NE(unknown.Validate().message().find("reference_histograms[0].feature"),
            std::string::npos);
  Manifest edges = m;
  edges.reference_histograms[0].edges = {0, 80, 40, 120};
  EXPECT_NE(edges.Validate().message().find("strictly increasing"), std::string::npos);
  Manifest dup = m;
  dup.input_schema.push_back(dup.input_schema[0]);
  EXPECT_NE(dup.Validate().message().find("input_schema[2]: duplicate"), std::string::npos);
  Manifest traversal = m;
  traversal.files["../etc/passwd"] = traversal.files.begin()->second;
  EXPECT_NE(traversal.Validate().message().find("../etc/passwd"), std::string::npos);
}

TEST(Manifest, SafePathsAreRelativeWithoutDotSegments) {
  EXPECT_TRUE(IsSafeBundlePath("model.json"));
  EXPECT_TRUE(IsSafeBundlePath("extra/ref-1.bin"));
  EXPECT_FALSE(IsSafeBundlePath("/etc/passwd"));
  EXPECT_FALSE(IsSafeBundlePath("../x"));
  EXPECT_FALSE(IsSafeBundlePath("a/../x"));
  EXPECT_FALSE(IsSafeBundlePath("./x"));
  EXPECT_FALSE(IsSafeBundlePath("a//x"));
  EXPECT_FALSE(IsSafeBundlePath("a\\x"));
  EXPECT_FALSE(IsSafeBundlePath(""));
}

}  // namespace
}  // namespace edgeloop::bundle
