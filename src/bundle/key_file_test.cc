#include "bundle/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include "bundle/testing/test_bundle.h"

namespace edgeloop::bundle {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/el_bundle_keys_XXXXXX";
  EXPECT_NE(mkdtemp(tmpl), nullptr);
  return tmpl;
}

TEST(KeyFile, SavesSecretKeyWithMode0600AndLoadsBothKeys) {
  PosixFileSystem fs;
  std::string dir = TempDir();
  SigningKey key = testing::TestKey(11);
  ASSERT_TRUE(SaveSigningKey(key, dir + "/bundle.key").ok());
  ASSERT_TRUE(SavePublicKey(fs, key.public_key(), dir + "/bundle.pub").ok());
  struct stat st;
  ASSERT_EQ(stat((dir + "/bundle.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Result<SigningKey> loaded = LoadSigningKey(fs, dir + "/bundle.key");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->Sign("m"), key.Sign("m"));
  Result<PublicKey> pub = LoadPublicKey(fs, dir + "/bundle.pub");
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_EQ(pub->key_id(), key.key_id());
}

TEST(KeyFile, RefusesToOverwriteASecretKey) {
  std::string dir = TempDir();
  ASSERT_TRUE(SaveSigningKey(testing::TestKey(1), dir + "/k").ok());
  Status again = SaveSigningKey(testing::TestKey(2), dir + "/k");
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  PosixFileSystem fs;
  EXPECT_EQ(LoadSigningKey(fs, dir + "/k")->key_id(), testing::TestKey(1).key_id());
}

TEST(KeyFile, MalformedOrMissingFileNamesThePath) {
  PosixFileSystem fs;
  std::string dir = TempDir();
  ASSERT_TRUE(fs.WriteFileAtomic(dir + "/bad.pub", "ssh-ed25519 AAAA\n").ok());
  Result<PublicKey> bad = LoadPublicKey(fs, dir + "/bad.pub");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(dir + "/bad.pub"), std::string::npos);
  EXPECT_FALSE(LoadSigningKey(fs, dir + "/missing.key").ok());
}

}  // namespace
}  // namespace edgeloop::bundle
