#include "bundle/bundle_seal.h"

#include <gtest/gtest.h>

#include "bundle/testing/test_bundle.h"

namespace edgeloop::bundle {
namespace {

TEST(BundleSeal, SplitsBackTheArchiveAndVerifiesOnlyWithTheSealingKey) {
  SigningKey key = testing::TestKey(9);
  std::string sealed = SealBundle("archive bytes", key);
  ASSERT_EQ(sealed.size(), 13 + kSealBytes);
  Result<SealedBundle> split = SplitSeal(sealed);
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  EXPECT_EQ(split->archive, "archive bytes");
  EXPECT_EQ(split->key_id, key.key_id());
  EXPECT_TRUE(split->VerifiedBy(key.public_key()));
  EXPECT_FALSE(split->VerifiedBy(testing::TestKey(10).public_key()));
  EXPECT_EQ(SealBundle("archive bytes", key), sealed);  // deterministic
}

TEST(BundleSeal, AnyChangedByteBreaksTheSeal) {
  SigningKey key = testing::TestKey(9);
  const std::string sealed = SealBundle("archive bytes", key);
  for (size_t pos = 0; pos < sealed.size(); ++pos) {
    std::string tampered = sealed;
    tampered[pos] = static_cast<char>(tampered[pos] ^ 0x20);
    Result<SealedBundle> split = SplitSeal(tampered);
    EXPECT_FALSE(split.ok() && split->VerifiedBy(key.public_key())) << "byte " << pos;
  }
  EXPECT_EQ(SplitSeal("short").status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace edgeloop::bundle
