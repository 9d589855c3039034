#include "store/artifact_store.h"

#include <gtest/gtest.h>

#include "base/sha256.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::store {
namespace {

using testing::TempDir;

TEST(ArtifactStore, PutThenGetRoundTrips) {
  TempDir dir;
  PosixFileSystem fs;
  ArtifactStore store(dir.Join("artifacts"), fs);
  auto digest = store.Put("model bytes");
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(*digest, Sha256Hex("model bytes"));
  EXPECT_TRUE(store.Has(*digest));
  EXPECT_EQ(store.PathOf(*digest),
            dir.Join("artifacts/sha256/" + digest->substr(0, 2) + "/" + *digest));
  EXPECT_TRUE(fs.Exists(store.PathOf(*digest)));
  auto bytes = store.Get(*digest);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "model bytes");
}

TEST(ArtifactStore, PutOfPresentArtifactWritesNothing) {
  TempDir dir;
  PosixFileSystem posix;
  FaultInjectingFileSystem fs(&posix);
  ArtifactStore store(dir.Join("artifacts"), fs);
  ASSERT_TRUE(store.Put("same").ok());
  const int writes = fs.writes_seen();
  auto again = store.Put("same");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(fs.writes_seen(), writes);
}

TEST(ArtifactStore, FailedPutLeavesNoArtifact) {
  TempDir dir;
  PosixFileSystem posix;
  FaultInjectingFileSystem fs(&posix);
  ArtifactStore store(dir.Join("artifacts"), fs);
  fs.FailNthWrite(1, FaultInjectingFileSystem::Fault::kCrashMidWrite);
  auto digest = store.Put("torn");
  ASSERT_FALSE(digest.ok());
  EXPECT_FALSE(store.Has(Sha256Hex("torn")));
  EXPECT_EQ(store.Get(Sha256Hex("torn")).status().code(), StatusCode::kNotFound);
}

TEST(ArtifactStore, PutFileStreamsLargeFileAndMatchesPut) {
  TempDir dir;
  PosixFileSystem fs;
  ArtifactStore store(dir.Join("artifacts"), fs);
  std::string big;
  big.reserve(9 << 20);
  for (int i = 0; big.size() < (9u << 20); ++i) big += "row " + std::to_string(i) + "\n";
  const std::string source = dir.Join("big.csv");
  ASSERT_TRUE(fs.WriteFileAtomic(source, big).ok());
  auto digest = store.PutFile(source);
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(*digest, Sha256Hex(big));
  auto bytes = store.Get(*digest);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(*bytes == big);
  // Nothing is left behind in the temporary folder.
  auto temps = fs.ListDir(dir.Join("artifacts/tmp"));
  ASSERT_TRUE(temps.ok());
  EXPECT_TRUE(temps->empty());
  // Storing the same file again is fine.
  auto again = store.PutFile(source);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *digest);
}

TEST(ArtifactStore, PutFileOfEmptyFile) {
  TempDir dir;
  PosixFileSystem fs;
  ArtifactStore store(dir.Join("artifacts"), fs);
  ASSERT_TRUE(fs.WriteFileAtomic(dir.Join("empty"), "").ok());
  auto digest = store.PutFile(dir.Join("empty"));
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(*digest, Sha256Hex(""));
  EXPECT_EQ(*store.Get(*digest), "");
}

TEST(ArtifactStore, PutFileOfMissingFileIsNotFound) {
  TempDir dir;
  PosixFileSystem fs;
  ArtifactStore store(dir.Join("artifacts"), fs);
  auto digest = store.PutFile(dir.Join("nope.json"));
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().code(), StatusCode::kNotFound);
  EXPECT_NE(digest.status().message().find("nope.json"), std::string::npos);
}

TEST(ArtifactStore, FailedPutFileCleansUp) {
  TempDir dir;
  PosixFileSystem posix;
  FaultInjectingFileSystem fs(&posix);
  ArtifactStore store(dir.Join("artifacts"), fs);
  ASSERT_TRUE(posix.WriteFileAtomic(dir.Join("src"), std::string(1000, 'a')).ok());
  fs.FailNthWrite(1, FaultInjectingFileSystem::Fault::kCrashMidWrite);
  auto digest = store.PutFile(dir.Join("src"));
  ASSERT_FALSE(digest.ok());
  EXPECT_FALSE(store.Has(Sha256Hex(std::string(1000, 'a'))));
  auto temps = posix.ListDir(dir.Join("artifacts/tmp"));
  ASSERT_TRUE(temps.ok());
  EXPECT_TRUE(temps->empty());
}

TEST(ArtifactStore, TamperedArtifactIsDataLoss) {
  TempDir dir;
  PosixFileSystem fs;
  ArtifactStore store(dir.Join("artifacts"), fs);
  auto digest = store.Put("original");
  ASSERT_TRUE(digest.ok());
  ASSERT_TRUE(fs.WriteFileAtomic(store.PathOf(*digest), "tampered").ok());
  auto bytes = store.Get(*digest);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(bytes.status().message().find(*digest), std::string::npos);
}

TEST(ArtifactStore, MalformedDigestIsInvalidArgument) {
  TempDir dir;
  PosixFileSystem fs;
  ArtifactStore store(dir.Join("artifacts"), fs);
  EXPECT_EQ(store.Get("../../etc/passwd").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(store.Has("ABC"));
  EXPECT_FALSE(IsSha256Hex(std::string(64, 'G')));
  EXPECT_TRUE(IsSha256Hex(std::string(64, 'a')));
}

}  // namespace
}  // namespace edgeloop::store
