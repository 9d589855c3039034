#include "store/workspace.h"

#include <gtest/gtest.h>

#include "store/testing/temp_dir.h"

namespace edgeloop::store {
namespace {

using testing::TempDir;

TEST(Workspace, ResolveHomePrefersFlagThenEnvThenDefault) {
  EXPECT_EQ(ResolveHome("/flag", "/env"), "/flag");
  EXPECT_EQ(ResolveHome("", "/env"), "/env");
  EXPECT_EQ(ResolveHome("", ""), "./edgeloop-home");
  EXPECT_EQ(ResolveHome("", nullptr), "./edgeloop-home");
}

TEST(Workspace, MissingHomeIsNotFoundAndSaysHowToCreate) {
  TempDir dir;
  PosixFileSystem fs;
  auto ws = Workspace::Open(dir.Join("home"), fs, /*create=*/false);
  ASSERT_FALSE(ws.ok());
  EXPECT_EQ(ws.status().code(), StatusCode::kNotFound);
  EXPECT_NE(ws.status().message().find("edgeloop init --home " + dir.Join("home")),
            std::string::npos)
      << ws.status().message();
  EXPECT_FALSE(fs.Exists(dir.Join("home")));
}

TEST(Workspace, FolderWithoutDatabaseIsNotFound) {
  TempDir dir;
  PosixFileSystem fs;
  ASSERT_TRUE(fs.CreateDirs(dir.Join("home")).ok());
  auto ws = Workspace::Open(dir.Join("home"), fs, /*create=*/false);
  ASSERT_FALSE(ws.ok());
  EXPECT_EQ(ws.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs.Exists(dir.Join("home/edgeloop.db")));
}

TEST(Workspace, CreateMakesLayoutAndAppliesSchemas) {
  TempDir dir;
  PosixFileSystem fs;
  Workspace::Options options;
  options.create = true;
  options.schemas.push_back({"pumps", {{1, "create pumps", "CREATE TABLE pumps (id TEXT)"}}});
  auto ws = Workspace::Open(dir.Join("home"), fs, options);
  ASSERT_TRUE(ws.ok()) << ws.status().ToString();
  EXPECT_TRUE(fs.Exists(dir.Join("home/edgeloop.db")));
  EXPECT_TRUE(fs.IsDirectory(dir.Join("home/artifacts/sha256")));
  EXPECT_EQ((*ws)->DatabasePath(), dir.Join("home/edgeloop.db"));
  EXPECT_EQ(*SchemaVersion((*ws)->db(), "pumps"), 1);
  auto digest = (*ws)->artifacts().Put("x");
  ASSERT_TRUE(digest.ok());
  EXPECT_TRUE(fs.Exists(dir.Join("home/artifacts/sha256/" + digest->substr(0, 2) + "/" + *digest)));
}

TEST(Workspace, ReopensExistingHome) {
  TempDir dir;
  PosixFileSystem fs;
  {
    auto ws = Workspace::Open(dir.Join("home"), fs, /*create=*/true);
    ASSERT_TRUE(ws.ok());
    ASSERT_TRUE((*ws)->db().Exec("CREATE TABLE marker (x)", "create marker").ok());
  }
  auto ws = Workspace::Open(dir.Join("home"), fs, /*create=*/false);
  ASSERT_TRUE(ws.ok()) << ws.status().ToString();
  EXPECT_TRUE((*ws)->db().Exec("INSERT INTO marker VALUES (1)", "use marker").ok());
}

TEST(Workspace, NewerDatabaseIsRefused) {
  TempDir dir;
  PosixFileSystem fs;
  Workspace::Options newer;
  newer.create = true;
  newer.schemas.push_back({"pumps",
                           {{1, "create pumps", "CREATE TABLE pumps (id TEXT)"},
                            {2, "add site", "ALTER TABLE pumps ADD COLUMN site TEXT"}}});
  ASSERT_TRUE(Workspace::Open(dir.Join("home"), fs, newer).ok());
  Workspace::Options older;
  older.schemas.push_back({"pumps", {{1, "create pumps", "CREATE TABLE pumps (id TEXT)"}}});
  auto ws = Workspace::Open(dir.Join("home"), fs, older);
  ASSERT_FALSE(ws.ok());
  EXPECT_EQ(ws.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace edgeloop::store
