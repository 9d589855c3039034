#include "store/migrations.h"

#include <gtest/gtest.h>

#include "store/database.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::store {
namespace {

using testing::TempDir;

MigrationSet PumpsV2() {
  return MigrationSet{"pumps",
                      {{1, "create pumps", "CREATE TABLE pumps (id TEXT PRIMARY KEY)"},
                       {2, "add site", "ALTER TABLE pumps ADD COLUMN site TEXT"}}};
}

bool HasColumn(Database& db, const std::string& table, const std::string& column) {
  auto st = db.Prepare("SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2", "columns");
  EXPECT_TRUE(st.ok());
  st->Bind(1, table).Bind(2, column);
  EXPECT_TRUE(*st->Step());
  return st->ColumnInt64(0) == 1;
}

TEST(Migrations, AppliesInOrderAndRecordsVersions) {
  TempDir dir;
  auto db = Database::Open(dir.Join("a.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ApplyMigrations(**db, PumpsV2()).ok());
  EXPECT_TRUE(HasColumn(**db, "pumps", "site"));
  auto version = SchemaVersion(**db, "pumps");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 2);
  EXPECT_EQ(*SchemaVersion(**db, "other"), 0);
}

TEST(Migrations, ReapplyingIsANoOp) {
  TempDir dir;
  auto db = Database::Open(dir.Join("a.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ApplyMigrations(**db, PumpsV2()).ok());
  // A second apply would fail on "table pumps already exists" if it re-ran migration 1.
  Status again = ApplyMigrations(**db, PumpsV2());
  EXPECT_TRUE(again.ok()) << again.ToString();
}

TEST(Migrations, UpgradesAnOlderDatabase) {
  TempDir dir;
  auto db = Database::Open(dir.Join("a.db"));
  ASSERT_TRUE(db.ok());
  MigrationSet v1 = PumpsV2();
  v1.migrations.pop_back();
  ASSERT_TRUE(ApplyMigrations(**db, v1).ok());
  EXPECT_FALSE(HasColumn(**db, "pumps", "site"));
  ASSERT_TRUE(ApplyMigrations(**db, PumpsV2()).ok());
  EXPECT_TRUE(HasColumn(**db, "pumps", "site"));
}

TEST(Migrations, NewerDatabaseIsFailedPrecondition) {
  TempDir dir;
  auto db = Database::Open(dir.Join("a.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ApplyMigrations(**db, PumpsV2()).ok());
  MigrationSet v1 = PumpsV2();
  v1.migrations.pop_back();
  Status s = ApplyMigrations(**db, v1);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("'pumps' tables are at schema version 2"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("knows versions up to 1"), std::string::npos) << s.message();
}

TEST(Migrations, FailingMigrationChangesNothing) {
  TempDir dir;
  auto db = Database::Open(dir.Join("a.db"));
  ASSERT_TRUE(db.ok());
  MigrationSet set = PumpsV2();
  set.migrations.push_back(
      {3, "broken", "CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1)"});
  Status s = ApplyMigrations(**db, set);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("version 3 (broken)"), std::string::npos) << s.message();
  EXPECT_EQ(*SchemaVersion(**db, "pumps"), 2);
  auto half = (*db)->Prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half'", "half");
  ASSERT_TRUE(half.ok());
  ASSERT_TRUE(*half->Step());
  EXPECT_EQ(half->ColumnInt64(0), 0);
}

TEST(Migrations, MisnumberedSetIsInvalidArgument) {
  TempDir dir;
  auto db = Database::Open(dir.Join("a.db"));
  ASSERT_TRUE(db.ok());
  MigrationSet set{"pumps", {{1, "a", "CREATE TABLE a (x)"}, {3, "c", "CREATE TABLE c (x)"}}};
  Status s = ApplyMigrations(**db, set);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*SchemaVersion(**db, "pumps"), 0);
}

TEST(Migrations, ModulesAreVersionedIndependently) {
  TempDir dir;
  auto db = Database::Open(dir.Join("a.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ApplyMigrations(**db, PumpsV2()).ok());
  MigrationSet other{"sites", {{1, "create sites", "CREATE TABLE sites (id TEXT)"}}};
  ASSERT_TRUE(ApplyMigrations(**db, other).ok());
  EXPECT_EQ(*SchemaVersion(**db, "pumps"), 2);
  EXPECT_EQ(*SchemaVersion(**db, "sites"), 1);
}

}  // namespace
}  // namespace edgeloop::store
