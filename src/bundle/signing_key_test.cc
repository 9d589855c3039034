#include "bundle/signing_key.h"

#include <gtest/gtest.h>

#include "bundle/testing/test_bundle.h"

namespace edgeloop::bundle {
namespace {

TEST(SigningKey, SignatureVerifiesOnlyWithItsPublicKeyAndMessage) {
  SigningKey key = testing::TestKey(1);
  SigningKey other = testing::TestKey(2);
  std::string sig = key.Sign("manifest bytes");
  ASSERT_EQ(sig.size(), kSignatureBytes);
  EXPECT_TRUE(key.public_key().Verify("manifest bytes", sig));
  EXPECT_FALSE(key.public_key().Verify("manifest bytez", sig));
  EXPECT_FALSE(other.public_key().Verify("manifest bytes", sig));
  sig[10] ^= 1;
  EXPECT_FALSE(key.public_key().Verify("manifest bytes", sig));
  EXPECT_FALSE(key.public_key().Verify("manifest bytes", "short"));
}

TEST(SigningKey, SameSeedGivesSameKeyAndKeyIdIsSixteenHex) {
  SigningKey a = testing::TestKey(7);
  SigningKey b = testing::TestKey(7);
  EXPECT_EQ(a.public_key().bytes(), b.public_key().bytes());
  EXPECT_EQ(a.key_id().size(), 16u);
  EXPECT_EQ(a.key_id().find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a.key_id(), testing::TestKey(8).key_id());
  EXPECT_NE(SigningKey::Generate().key_id(), SigningKey::Generate().key_id());
}

TEST(SigningKey, TextRoundTripsForBothKeys) {
  SigningKey key = testing::TestKey(3);
  std::string secret_text = key.ToText();
  EXPECT_EQ(secret_text.rfind("edgeloop-ed25519-secret ", 0), 0u);
  Result<SigningKey> parsed = SigningKey::Parse(secret_text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->key_id(), key.key_id());
  EXPECT_EQ(parsed->Sign("x"), key.Sign("x"));

  Result<PublicKey> pub = PublicKey::Parse(key.public_key().ToText());
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_EQ(pub->key_id(), key.key_id());
  EXPECT_EQ(key.public_key().ToText().rfind("edgeloop-ed25519-public ", 0), 0u);
}

TEST(SigningKey, ParseRejectsWrongTagLengthAndMismatchedHalves) {
  SigningKey key = testing::TestKey(4);
  EXPECT_FALSE(PublicKey::Parse(key.ToText()).ok());
  EXPECT_FALSE(SigningKey::Parse(key.public_key().ToText()).ok());
  EXPECT_FALSE(PublicKey::Parse("edgeloop-ed25519-public AAAA").ok());
  Result<PublicKey> bad = PublicKey::Parse("edgeloop-ed25519-public !!!");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("base64"), std::string::npos);
  // A secret key whose embedded public half belongs to another key.
  std::string text = key.ToText();
  Result<std::string> secret_bytes = Base64Decode(text.substr(24, text.size() - 25), "k");
  ASSERT_TRUE(secret_bytes.ok()) << secret_bytes.status().ToString();
  const std::string& secret = *secret_bytes;
  std::string spliced = secret.substr(0, 32) + testing::TestKey(5).public_key().bytes();
  Result<SigningKey> s = SigningKey::Parse("edgeloop-ed25519-secret " + Base64Encode(spliced));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("does not match"), std::string::npos) << s.status().message();
  EXPECT_FALSE(SigningKey::FromSeed("too short").ok());
}

}  // namespace
}  // namespace edgeloop::bundle
