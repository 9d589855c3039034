#include "store/transaction.h"

#include <utility>

#include "store/database.h"

namespace edgeloop::store {

Result<Transaction> Transaction::Begin(Database& db, std::string_view purpose) {
  if (db.InTransaction()) {
    return FailedPrecondition(db.path() + ": " + std::string(purpose) +
                              ": a transaction is already open on this connection");
  }
  EL_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE", std::string(purpose) + " (begin)"));
  return Transaction(&db, std::string(purpose));
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      purpose_(std::move(other.purpose_)),
      done_(std::exchange(other.done_, true)) {}

Transaction::~Transaction() {
  if (db_ == nullptr || done_) return;
  // A failed rollback leaves nothing to do: SQLite rolls back an open transaction when the
  // connection closes, and the next Begin() reports the open transaction.
  (void)db_->Exec("ROLLBACK", purpose_ + " (rollback)");
}

Status Transaction::Commit() {
  if (db_ == nullptr || done_) {
    return FailedPrecondition(purpose_ + ": transaction already finished");
  }
  Status status = db_->Exec("COMMIT", purpose_ + " (commit)");
  if (!status.ok()) {
    // SQLite may keep the transaction open after a failed COMMIT (e.g. SQLITE_BUSY); the
    // destructor then rolls it back.
    if (!db_->InTransaction()) done_ = true;
    return status;
  }
  done_ = true;
  return Status::Ok();
}

}  // namespace edgeloop::store
