#include "store/transaction.h"

#include <gtest/gtest.h>

#include "store/database.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::store {
namespace {

using testing::TempDir;

int64_t CountRows(Database& db) {
  auto st = db.Prepare("SELECT count(*) FROM t", "count t");
  EXPECT_TRUE(st.ok());
  EXPECT_TRUE(*st->Step());
  return st->ColumnInt64(0);
}

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.Join("a.db"));
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (x INTEGER)", "create t").ok());
  }
  TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(TransactionTest, CommitKeepsWrites) {
  {
    auto tx = Transaction::Begin(*db_, "insert");
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (1)", "insert 1").ok());
    ASSERT_TRUE(tx->Commit().ok());
    EXPECT_TRUE(tx->committed());
  }
  EXPECT_EQ(CountRows(*db_), 1);
}

TEST_F(TransactionTest, DestructorRollsBackWithoutCommit) {
  {
    auto tx = Transaction::Begin(*db_, "insert");
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (1)", "insert 1").ok());
  }
  EXPECT_EQ(CountRows(*db_), 0);
  EXPECT_FALSE(db_->InTransaction());
}

TEST_F(TransactionTest, NestedBeginIsRefused) {
  auto outer = Transaction::Begin(*db_, "outer");
  ASSERT_TRUE(outer.ok());
  auto inner = Transaction::Begin(*db_, "inner");
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(outer->Commit().ok());
}

TEST_F(TransactionTest, SecondWriterIsUnavailableWhileFirstHoldsTheLock) {
  Database::Options options;
  options.busy_timeout_ms = 0;  // do not wait: the test must not sleep
  auto other = Database::Open(dir_.Join("a.db"), options);
  ASSERT_TRUE(other.ok());
  auto first = Transaction::Begin(*db_, "first writer");
  ASSERT_TRUE(first.ok());
  auto second = Transaction::Begin(**other, "second writer");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable) << second.status().ToString();
  EXPECT_NE(second.status().message().find("second writer"), std::string::npos);
  ASSERT_TRUE(first->Commit().ok());
  auto third = Transaction::Begin(**other, "third writer");
  EXPECT_TRUE(third.ok());
}

TEST_F(TransactionTest, MovedTransactionRollsBackOnce) {
  {
    auto tx = Transaction::Begin(*db_, "insert");
    ASSERT_TRUE(tx.ok());
    Transaction moved(std::move(*tx));
    ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (1)", "insert 1").ok());
    ASSERT_TRUE(moved.Commit().ok());
  }
  EXPECT_EQ(CountRows(*db_), 1);
}

}  // namespace
}  // namespace edgeloop::store
