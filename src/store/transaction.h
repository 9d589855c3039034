// Transaction: a scope in which writes to a Database happen all together or not at all.
//
// Begin() issues BEGIN IMMEDIATE, which takes the write lock up front (waiting up to the busy
// timeout), so two processes that read-then-write cannot both pass their checks. Commit() makes
// the writes durable; a Transaction destroyed without a successful Commit() rolls back, so an
// early `return status;` undoes everything done so far.
//
// Ownership: refers to a Database that must outlive it. Move-only. Not thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace edgeloop::store {

class Database;

class Transaction {
 public:
  // Errors: Unavailable when another writer holds the lock past the busy timeout;
  // FailedPrecondition when a transaction is already open on this connection.
  static Result<Transaction> Begin(Database& db, std::string_view purpose);

  ~Transaction();
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Commit();
  bool committed() const { return done_; }

 private:
  Transaction(Database* db, std::string purpose) : db_(db), purpose_(std::move(purpose)) {}

  Database* db_;
  std::string purpose_;
  bool done_ = false;
};

}  // namespace edgeloop::store
