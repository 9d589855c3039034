// Statement: a prepared SQL statement of a Database.
//
// Parameters are numbered from 1, as in SQLite; columns from 0. Bind calls chain and never fail
// on their own: the first bind error is kept and returned by the next Step(), so call sites stay
// flat:
//   EL_ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT ... WHERE id = ?1", "read run"));
//   st.Bind(1, run_id);
//   EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
// Text and blob values are copied by SQLite when bound, so temporaries are fine.
//
// Ownership: owns the sqlite3_stmt; must not outlive the Database that prepared it. Move-only.
// Thread-safety: none; use from the Database's thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

struct sqlite3_stmt;

namespace edgeloop::store {

class Database;

class Statement {
 public:
  Statement(const Database* db, sqlite3_stmt* stmt, std::string purpose)
      : db_(db), stmt_(stmt), purpose_(std::move(purpose)) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);  // bound as TEXT
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);

  // Advances: true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();
  // Rewinds for another execution and clears every binding and the kept bind error.
  Status Reset();

  int ColumnCount() const;
  bool ColumnIsNull(int column) const;
  int64_t ColumnInt64(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;  // "" for NULL
  std::string ColumnBlob(int column) const;  // "" for NULL

 private:
  void KeepBindError(int rc, int index);

  const Database* db_;
  sqlite3_stmt* stmt_;
  std::string purpose_;
  Status bind_error_;
};

}  // namespace edgeloop::store
