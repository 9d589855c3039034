#include "store/database.h"

#include <gtest/gtest.h>

#include "base/file_system.h"
#include "store/statement.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::store {
namespace {

using testing::TempDir;

TEST(Database, OpensInWalModeWithForeignKeys) {
  TempDir dir;
  auto db = Database::Open(dir.Join("a.db"));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto journal = (*db)->Prepare("PRAGMA journal_mode", "read journal mode");
  ASSERT_TRUE(journal.ok());
  ASSERT_TRUE(*journal->Step());
  EXPECT_EQ(journal->ColumnText(0), "wal");
  auto fk = (*db)->Prepare("PRAGMA foreign_keys", "read foreign keys");
  ASSERT_TRUE(fk.ok());
  ASSERT_TRUE(*fk->Step());
  EXPECT_EQ(fk->ColumnInt64(0), 1);
  auto sync = (*db)->Prepare("PRAGMA synchronous", "read synchronous");
  ASSERT_TRUE(sync.ok());
  ASSERT_TRUE(*sync->Step());
  EXPECT_EQ(sync->ColumnInt64(0), 1);  // NORMAL
}

TEST(Database, SynchronousFullWhenAsked) {
  TempDir dir;
  Database::Options options;
  options.synchronous_full = true;
  auto db = Database::Open(dir.Join("a.db"), options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto sync = (*db)->Prepare("PRAGMA synchronous", "read synchronous");
  ASSERT_TRUE(sync.ok());
  ASSERT_TRUE(*sync->Step());
  EXPECT_EQ(sync->ColumnInt64(0), 2);  // FULL
}

TEST(Database, MissingFileIsNotFoundWithoutCreate) {
  TempDir dir;
  Database::Options options;
  options.create_if_missing = false;
  auto db = Database::Open(dir.Join("missing.db"), options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kNotFound);
  EXPECT_NE(db.status().message().find("missing.db"), std::string::npos);
}

TEST(Database, GarbageFileIsDataLoss) {
  TempDir dir;
  PosixFileSystem fs;
  const std::string path = dir.Join("junk.db");
  ASSERT_TRUE(fs.WriteFileAtomic(path, std::string(4096, 'x')).ok());
  auto db = Database::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kDataLoss) << db.status().ToString();
}

TEST(Database, ErrorsNameFileAndPurpose) {
  TempDir dir;
  auto db = Database::Open(dir.Join("a.db"));
  ASSERT_TRUE(db.ok());
  Status s = (*db)->Exec("SELEKT 1", "count the pumps");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("a.db"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("count the pumps"), std::string::npos) << s.message();
  auto st = (*db)->Prepare("SELECT * FROM nowhere", "read nowhere");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("no such table: nowhere"), std::string::npos);
}

TEST(Statement, BindsAndReadsEveryType) {
  TempDir dir;
  auto db = Database::Open(dir.Join("a.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(
      (*db)->Exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)", "create t").ok());
  auto insert = (*db)->Prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)", "insert t");
  ASSERT_TRUE(insert.ok());
  const std::string blob("a\0b", 3);
  insert->Bind(1, int64_t{-9007199254740993})
      .Bind(2, 0.25)
      .Bind(3, "text")
      .BindBlob(4, blob)
      .BindNull(5);
  ASSERT_TRUE(insert->Run().ok());
  ASSERT_TRUE(insert->Reset().ok());
  insert->Bind(1, 2).Bind(2, 1.5).Bind(3, std::string("second")).BindBlob(4, "").BindNull(5);
  ASSERT_TRUE(insert->Run().ok());
  EXPECT_EQ((*db)->Changes(), 1);

  auto select = (*db)->Prepare("SELECT i, d, s, b, n FROM t ORDER BY rowid", "read t");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(*select->Step());
  EXPECT_EQ(select->ColumnCount(), 5);
  EXPECT_EQ(select->ColumnInt64(0), -9007199254740993);
  EXPECT_EQ(select->ColumnDouble(1), 0.25);
  EXPECT_EQ(select->ColumnText(2), "text");
  EXPECT_EQ(select->ColumnBlob(3), blob);
  EXPECT_TRUE(select->ColumnIsNull(4));
  ASSERT_TRUE(*select->Step());
  EXPECT_EQ(select->ColumnText(2), "second");
  EXPECT_FALSE(select->ColumnIsNull(3));
  EXPECT_EQ(select->ColumnBlob(3), "");
  EXPECT_FALSE(*select->Step());
}

TEST(Statement, BindErrorSurfacesAtStep) {
  TempDir dir;
  auto db = Database::Open(dir.Join("a.db"));
  ASSERT_TRUE(db.ok());
  auto st = (*db)->Prepare("SELECT ?1", "echo");
  ASSERT_TRUE(st.ok());
  st->Bind(7, 1);  // out of range
  auto step = st->Step();
  ASSERT_FALSE(step.ok());
  EXPECT_NE(step.status().message().find("parameter 7"), std::string::npos)
      << step.status().message();
  ASSERT_TRUE(st->Reset().ok());
  st->Bind(1, 5);
  auto again = st->Step();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(st->ColumnInt64(0), 5);
}

TEST(Statement, UniqueViolationIsAlreadyExists) {
  TempDir dir;
  auto db = Database::Open(dir.Join("a.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (id TEXT PRIMARY KEY)", "create t").ok());
  ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES ('x')", "insert x").ok());
  auto st = (*db)->Prepare("INSERT INTO t VALUES ('x')", "insert x again");
  ASSERT_TRUE(st.ok());
  Status s = st->Run();
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  EXPECT_NE(s.message().find("insert x again"), std::string::npos);
}

}  // namespace
}  // namespace edgeloop::store
