#include "base/file_system.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace edgeloop {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/edgeloop-fs-XXXXXX";
  EXPECT_NE(mkdtemp(tmpl), nullptr);
  return tmpl;
}

TEST(PosixFileSystem, AtomicWriteReplacesWholeFile) {
  PosixFileSystem fs;
  std::string dir = TempDir();
  std::string path = JoinPath(dir, "a.txt");
  ASSERT_TRUE(fs.WriteFileAtomic(path, "first").ok());
  ASSERT_TRUE(fs.WriteFileAtomic(path, "second").ok());
  EXPECT_EQ(*fs.ReadFile(path), "second");
  EXPECT_EQ(*fs.ListDir(dir), std::vector<std::string>{"a.txt"});
}

TEST(PosixFileSystem, MissingFileIsNotFoundAndNamesThePath) {
  PosixFileSystem fs;
  Result<std::string> r = fs.ReadFile("/nonexistent/edgeloop/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/edgeloop/x"), std::string::npos);
}

TEST(PosixFileSystem, CreateDirsMakesNestedFolders) {
  PosixFileSystem fs;
  std::string dir = JoinPath(TempDir(), "a/b/c");
  ASSERT_TRUE(fs.CreateDirs(dir).ok());
  EXPECT_TRUE(fs.IsDirectory(dir));
  EXPECT_TRUE(fs.CreateDirs(dir).ok());
}

TEST(FaultInjectingFileSystem, FailedWriteLeavesOldContent) {
  PosixFileSystem real;
  FaultInjectingFileSystem fs(&real);
  std::string path = JoinPath(TempDir(), "state.json");
  ASSERT_TRUE(fs.WriteFileAtomic(path, "old").ok());
  fs.FailNthWrite(1, FaultInjectingFileSystem::Fault::kCrashMidWrite);
  EXPECT_FALSE(fs.WriteFileAtomic(path, "new-content").ok());
  EXPECT_EQ(*fs.ReadFile(path), "old");
  ASSERT_TRUE(fs.WriteFileAtomic(path, "new").ok());
  EXPECT_EQ(*fs.ReadFile(path), "new");
}

TEST(FaultInjectingFileSystem, CountsWritesFromArming) {
  PosixFileSystem real;
  FaultInjectingFileSystem fs(&real);
  std::string path = JoinPath(TempDir(), "log");
  fs.FailNthWrite(2);
  EXPECT_TRUE(fs.AppendFile(path, "a").ok());
  EXPECT_FALSE(fs.AppendFile(path, "b").ok());
  EXPECT_TRUE(fs.AppendFile(path, "c").ok());
  EXPECT_EQ(*fs.ReadFile(path), "ac");
}

}  // namespace
}  // namespace edgeloop
