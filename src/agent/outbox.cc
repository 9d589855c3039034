#include "agent/outbox.h"

#include <sqlite3.h>

#include <utility>

namespace edgeloop::agent {
namespace {

Status SqliteError(sqlite3* db, int rc, const std::string& path, const std::string& purpose) {
  std::string message = path + ": " + purpose + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLoss(message);
    case SQLITE_FULL:
      return ResourceExhausted(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(message);
    default:
      return IoError(message);
  }
}

// A prepared statement that finalizes itself.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  int prepare_rc() const { return rc_; }
  sqlite3_stmt* get() { return stmt_; }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS records(
  seq INTEGER PRIMARY KEY,
  kind INTEGER NOT NULL,
  asset TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_by_kind ON records(kind, seq);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints(asset TEXT PRIMARY KEY, closed_through_ms INTEGER NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('last_seq', 0), ('acked_through', 0),
  ('pending_bytes', 0), ('dropped_0', 0), ('dropped_1', 0), ('dropped_2', 0), ('dropped_3', 0);
)sql";

}  // namespace

Result<std::unique_ptr<Outbox>> Outbox::Open(const std::string& path, const Options& options) {
  if (options.quota_bytes <= 0) return InvalidArgument("outbox quota must be positive");
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(db, rc, path, "open outbox");
    sqlite3_close(db);
    return s;
  }
  std::unique_ptr<Outbox> outbox(new Outbox(path, options, db));
  sqlite3_busy_timeout(db, 5000);
  EL_RETURN_IF_ERROR(outbox->Exec("PRAGMA journal_mode=WAL", "set WAL mode"));
  EL_RETURN_IF_ERROR(outbox->Exec("PRAGMA synchronous=FULL", "set synchronous=FULL"));
  // A small page cache: the outbox is written sequentially and read in order, and a device's
  // memory matters more than a few page reads.
  EL_RETURN_IF_ERROR(outbox->Exec("PRAGMA cache_size=-512", "set cache size"));
  EL_RETURN_IF_ERROR(outbox->Exec(kSchema, "create outbox tables"));
  return outbox;
}

Outbox::Outbox(std::string path, Options options, sqlite3* db)
    : path_(std::move(path)), options_(options), db_(db) {}

Outbox::~Outbox() { sqlite3_close(db_); }

Status Outbox::Exec(const char* sql, const std::string& purpose) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, path_, purpose);
  return Status::Ok();
}

Result<int64_t> Outbox::Append(const std::vector<OutboxEntry>& entries,
                               const std::map<std::string, int64_t>& checkpoints) {
  EL_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "begin append"));
  auto fail = [&](int rc, const std::string& what) {
    Status s = SqliteError(db_, rc, path_, what);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  };
  int64_t last_seq = 0;
  {
    Stmt get(db_, "SELECT value FROM meta WHERE key = 'last_seq'");
    if (get.prepare_rc() != SQLITE_OK || get.Step() != SQLITE_ROW) return fail(get.prepare_rc(), "read last_seq");
    last_seq = get.Int(0);
  }
  int64_t bytes = 0;
  {
    Stmt insert(db_, "INSERT INTO records(seq, kind, asset, time_ms, body) VALUES (?, ?, ?, ?, ?)");
    if (insert.prepare_rc() != SQLITE_OK) return fail(insert.prepare_rc(), "prepare insert");
    for (const OutboxEntry& e : entries) {
      insert.Bind(1, ++last_seq);
      insert.Bind(2, static_cast<int64_t>(e.kind));
      insert.Bind(3, e.asset);
      insert.Bind(4, e.time_ms);
      insert.Bind(5, e.body);
      int rc = insert.Step();
      if (rc != SQLITE_DONE) return fail(rc, "insert record " + std::to_string(last_seq));
      insert.Reset();
      bytes += static_cast<int64_t>(e.body.size()) + kRecordOverheadBytes;
    }
  }
  {
    Stmt cp(db_,
            "INSERT INTO checkpoints(asset, closed_through_ms) VALUES (?, ?) "
            "ON CONFLICT(asset) DO UPDATE SET closed_through_ms = excluded.closed_through_ms");
    if (cp.prepare_rc() != SQLITE_OK) return fail(cp.prepare_rc(), "prepare checkpoint");
    for (const auto& [asset, through] : checkpoints) {
      cp.Bind(1, asset);
      cp.Bind(2, through);
      int rc = cp.Step();
      if (rc != SQLITE_DONE) return fail(rc, "write checkpoint of " + asset);
      cp.Reset();
    }
  }
  {
    Stmt meta(db_,
              "UPDATE meta SET value = CASE key WHEN 'last_seq' THEN ? ELSE value + ? END "
              "WHERE key IN ('last_seq', 'pending_bytes')");
    meta.Bind(1, last_seq);
    meta.Bind(2, bytes);
    int rc = meta.Step();
    if (rc != SQLITE_DONE) return fail(rc, "update outbox counters");
  }
  EL_RETURN_IF_ERROR(Exec("COMMIT", "commit append"));
  EL_RETURN_IF_ERROR(EnforceQuota());
  return last_seq;
}

Status Outbox::EnforceQuota() {
  Stmt get(db_, "SELECT value FROM meta WHERE key = 'pending_bytes'");
  if (get.Step() != SQLITE_ROW) return SqliteError(db_, SQLITE_ERROR, path_, "read pending bytes");
  int64_t pending = get.Int(0);
  if (pending <= options_.quota_bytes) return Status::Ok();
  const int64_t target = options_.quota_bytes / 10 * 9;
  EL_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "begin quota drop"));
  for (int kind = 0; kind < api::kNumRecordKinds && pending > target; ++kind) {
    // Oldest first: find the seq up to which this kind must go.
    Stmt scan(db_, "SELECT seq, length(CAST(body AS BLOB)) FROM records WHERE kind = ? ORDER BY seq");
    scan.Bind(1, static_cast<int64_t>(kind));
    int64_t through = -1;
    int64_t freed = 0;
    int64_t count = 0;
    while (pending - freed > target && scan.Step() == SQLITE_ROW) {
      through = scan.Int(0);
      freed += scan.Int(1) + kRecordOverheadBytes;
      ++count;
    }
    if (through < 0) continue;
    Stmt del(db_, "DELETE FROM records WHERE kind = ? AND seq <= ?");
    del.Bind(1, static_cast<int64_t>(kind));
    del.Bind(2, through);
    if (int rc = del.Step(); rc != SQLITE_DONE) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return SqliteError(db_, rc, path_, "drop records over quota");
    }
    Stmt meta(db_,
              "UPDATE meta SET value = value + CASE key WHEN 'pending_bytes' THEN ? ELSE ? END "
              "WHERE key IN ('pending_bytes', ?)");
    meta.Bind(1, -freed);
    meta.Bind(2, count);
    meta.Bind(3, "dropped_" + std::to_string(kind));
    if (int rc = meta.Step(); rc != SQLITE_DONE) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return SqliteError(db_, rc, path_, "count dropped records");
    }
    pending -= freed;
  }
  return Exec("COMMIT", "commit quota drop");
}

Result<std::vector<StoredRecord>> Outbox::ReadAfter(int64_t after_seq, size_t max_records) {
  Stmt q(db_, "SELECT seq, kind, asset, time_ms, body FROM records WHERE seq > ? ORDER BY seq LIMIT ?");
  if (q.prepare_rc() != SQLITE_OK) return SqliteError(db_, q.prepare_rc(), path_, "read records");
  q.Bind(1, after_seq);
  q.Bind(2, static_cast<int64_t>(max_records));
  std::vector<StoredRecord> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    StoredRecord r;
    r.seq = q.Int(0);
    r.entry.kind = static_cast<api::RecordKind>(q.Int(1));
    r.entry.asset = q.Text(2);
    r.entry.time_ms = q.Int(3);
    r.entry.body = q.Text(4);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, path_, "read records");
  return out;
}

Status Outbox::AckThrough(int64_t seq) {
  EL_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "begin ack"));
  auto fail = [&](int rc) {
    Status s = SqliteError(db_, rc, path_, "acknowledge through " + std::to_string(seq));
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  };
  Stmt acked(db_, "SELECT value FROM meta WHERE key = 'acked_through'");
  if (acked.Step() != SQLITE_ROW) return fail(SQLITE_ERROR);
  if (seq <= acked.Int(0)) return Exec("ROLLBACK", "end ack");
  Stmt sum(db_,
           "SELECT COALESCE(SUM(length(CAST(body AS BLOB))), 0), COUNT(*) FROM records WHERE seq <= ?");
  sum.Bind(1, seq);
  if (sum.Step() != SQLITE_ROW) return fail(SQLITE_ERROR);
  const int64_t freed = sum.Int(0) + sum.Int(1) * kRecordOverheadBytes;
  Stmt del(db_, "DELETE FROM records WHERE seq <= ?");
  del.Bind(1, seq);
  if (int rc = del.Step(); rc != SQLITE_DONE) return fail(rc);
  Stmt meta(db_,
            "UPDATE meta SET value = CASE key WHEN 'acked_through' THEN ? ELSE value - ? END "
            "WHERE key IN ('acked_through', 'pending_bytes')");
  meta.Bind(1, seq);
  meta.Bind(2, freed);
  if (int rc = meta.Step(); rc != SQLITE_DONE) return fail(rc);
  return Exec("COMMIT", "commit ack");
}

Result<std::map<std::string, int64_t>> Outbox::Checkpoints() {
  Stmt q(db_, "SELECT asset, closed_through_ms FROM checkpoints");
  std::map<std::string, int64_t> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out[q.Text(0)] = q.Int(1);
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, path_, "read checkpoints");
  return out;
}

Result<OutboxStats> Outbox::Stats() {
  OutboxStats stats;
  Stmt meta(db_, "SELECT key, value FROM meta");
  int rc;
  while ((rc = meta.Step()) == SQLITE_ROW) {
    const std::string key = meta.Text(0);
    const int64_t value = meta.Int(1);
    if (key == "last_seq") stats.last_seq = value;
    if (key == "acked_through") stats.acked_through = value;
    if (key == "pending_bytes") stats.pending_bytes = value;
    for (int k = 0; k < api::kNumRecordKinds; ++k) {
      if (key == "dropped_" + std::to_string(k)) stats.dropped_by_kind[k] = value;
    }
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, path_, "read outbox counters");
  Stmt counts(db_, "SELECT kind, COUNT(*) FROM records GROUP BY kind");
  while ((rc = counts.Step()) == SQLITE_ROW) {
    const int64_t kind = counts.Int(0);
    if (kind >= 0 && kind < api::kNumRecordKinds) stats.pending_by_kind[kind] = counts.Int(1);
    stats.pending_records += counts.Int(1);
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, path_, "count records");
  return stats;
}

}  // namespace edgeloop::agent
