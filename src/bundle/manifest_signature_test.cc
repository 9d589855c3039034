#include "bundle/manifest_signature.h"

#include <gtest/gtest.h>

#include "bundle/testing/test_bundle.h"

namespace edgeloop::bundle {
namespace {

TEST(ManifestSignature, TextRoundTripsAndVerifiesTheExactBytes) {
  SigningKey key = testing::TestKey(21);
  ManifestSignature sig = ManifestSignature::Sign(key, "{\"a\":1}\n");
  std::string text = sig.ToText();
  EXPECT_EQ(text.rfind("edgeloop-ed25519-signature " + key.key_id() + " ", 0), 0u);
  Result<ManifestSignature> parsed = ManifestSignature::Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->key_id, key.key_id());
  EXPECT_TRUE(parsed->VerifiedBy(key.public_key(), "{\"a\":1}\n"));
  EXPECT_FALSE(parsed->VerifiedBy(key.public_key(), "{\"a\":1}"));
}

TEST(ManifestSignature, ParseRejectsMalformedText) {
  EXPECT_EQ(ManifestSignature::Parse("").status().message(),
            "manifest.sig: expected 'edgeloop-ed25519-signature <key id> <base64 signature>'");
  EXPECT_FALSE(ManifestSignature::Parse("edgeloop-ed25519-signature abc AAAA").ok());
  EXPECT_NE(ManifestSignature::Parse("edgeloop-ed25519-signature 0123456789abcdef AAAA")
                .status()
                .message()
                .find("64-byte"),
            std::string::npos);
}

}  // namespace
}  // namespace edgeloop::bundle
