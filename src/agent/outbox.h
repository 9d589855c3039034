// Outbox: the device's durable queue of records waiting to reach the server.
//
// An SQLite file in WAL mode with synchronous=FULL: Append writes its records, with consecutive
// per-device sequence numbers, and the assets' checkpoints (the end of the last window handled)
// in one transaction that is on disk when Append returns — a kill -9 or a power cut afterwards
// loses nothing, one before it loses the whole batch and its checkpoints together, so the agent
// redoes exactly that batch after a restart (no duplicates, no gaps of its own making).
// AckThrough(seq) deletes what the server has acknowledged.
//
// Bounded by a disk quota over the stored record bytes: when an Append goes over it, the oldest
// records are dropped, kind by kind in api::RecordKind order — feature rows first, then scores,
// then health records, alerts last — until the outbox is back under 90 % of the quota. Dropped
// records are counted per kind (Stats) so the loss is visible, never silent. Sequence numbers
// are never reused.
//
// One Outbox per file and process (the agent holds a lock on its data directory). Not
// thread-safe: the agent's loop owns it; others read through Stats snapshots it publishes.
// Errors: IoError / DataLoss / ResourceExhausted naming the file and what was being done.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/records.h"
#include "base/status.h"

struct sqlite3;

namespace edgeloop::agent {

struct OutboxEntry {
  api::RecordKind kind = api::RecordKind::kScore;
  std::string asset;
  int64_t time_ms = 0;
  std::string body;  // the record's JSON (api/records.h)
};

struct StoredRecord {
  int64_t seq = 0;
  OutboxEntry entry;
};

struct OutboxStats {
  int64_t last_seq = 0;       // highest sequence number ever assigned (0: none)
  int64_t acked_through = 0;  // highest sequence acknowledged
  int64_t pending_records = 0;
  int64_t pending_bytes = 0;
  std::array<int64_t, api::kNumRecordKinds> pending_by_kind{};
  std::array<int64_t, api::kNumRecordKinds> dropped_by_kind{};
};

class Outbox {
 public:
  struct Options {
    int64_t quota_bytes = 256LL << 20;
  };
  // Stored size of a record beyond its body, for the quota.
  static constexpr int64_t kRecordOverheadBytes = 48;

  static Result<std::unique_ptr<Outbox>> Open(const std::string& path, const Options& options);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Appends `entries` (sequence numbers last_seq+1, ...) and sets `checkpoints`, atomically and
  // durably; returns the new last_seq. Then enforces the quota.
  Result<int64_t> Append(const std::vector<OutboxEntry>& entries,
                         const std::map<std::string, int64_t>& checkpoints);
  // Pending records with seq > after_seq, oldest first, at most max_records.
  Result<std::vector<StoredRecord>> ReadAfter(int64_t after_seq, size_t max_records);
  // Deletes every record with seq <= `seq`; acknowledging less than before is a no-op.
  Status AckThrough(int64_t seq);
  // asset -> end of the last window handled.
  Result<std::map<std::string, int64_t>> Checkpoints();
  Result<OutboxStats> Stats();

  const std::string& path() const { return path_; }

 private:
  Outbox(std::string path, Options options, sqlite3* db);
  Status Exec(const char* sql, const std::string& purpose);
  Status EnforceQuota();

  std::string path_;
  Options options_;
  sqlite3* db_;
};

}  // namespace edgeloop::agent
