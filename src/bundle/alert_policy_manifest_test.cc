#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bundle/manifest.h"
#include "bundle/testing/test_bundle.h"

namespace edgeloop::bundle {
namespace {

Manifest PolicyManifest() {
  Result<BundleContents> contents = PrepareBundle(testing::TestInputs());
  EXPECT_TRUE(contents.ok()) << contents.status().ToString();
  return contents->manifest;
}

TEST(ManifestClearRatio, OmittedWhenOneSoExistingBytesAreUnchanged) {
  Manifest m = PolicyManifest();
  EXPECT_EQ(m.alert_policy.clear_ratio, 1.0);
  const std::string json = m.ToJson();
  EXPECT_EQ(json.find("clear_ratio"), std::string::npos);
  EXPECT_EQ(json.rfind("{\"alert_policy\":{\"cooldown_ms\":21600000,\"k\":2,\"n\":3}", 0), 0u);
}

TEST(ManifestClearRatio, RoundTripsWhenSet) {
  Manifest m = PolicyManifest();
  m.alert_policy.clear_ratio = 0.5;
  const std::string json = m.ToJson();
  EXPECT_NE(json.find("\"clear_ratio\":0.5"), std::string::npos);
  Result<Manifest> parsed = Manifest::Parse(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->alert_policy.clear_ratio, 0.5);
  EXPECT_EQ(parsed->ToJson(), json);
}

TEST(ManifestClearRatio, RejectsRatiosOutsideZeroToOne) {
  for (double bad : {0.0, -0.5, 1.5}) {
    Manifest m = PolicyManifest();
    m.alert_policy.clear_ratio = bad;
    Status s = m.Validate();
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.message().find("alert_policy.clear_ratio"), std::string::npos) << s.ToString();
  }
  nlohmann::json doc = nlohmann::json::parse(PolicyManifest().ToJson());
  doc["alert_policy"]["clear_ratio"] = "half";
  Result<Manifest> parsed = Manifest::Parse(doc.dump());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("alert_policy.clear_ratio"), std::string::npos);
}

}  // namespace
}  // namespace edgeloop::bundle
