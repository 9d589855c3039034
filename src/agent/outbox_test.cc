#include "agent/outbox.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "agent/testing/agent_testing.h"

namespace edgeloop::agent {
namespace {

using api::RecordKind;
using testing::TempDir;

constexpr int64_t kBodyBytes = 100;
constexpr int64_t kStored = kBodyBytes + Outbox::kRecordOverheadBytes;

int Index(RecordKind kind) { return static_cast<int>(kind); }

// A record whose body is exactly kBodyBytes long and says what it is.
OutboxEntry Entry(RecordKind kind, const std::string& asset, int64_t time_ms) {
  std::string body = std::string(api::RecordKindName(kind)) + ":" + asset + ":" + std::to_string(time_ms);
  body.resize(kBodyBytes, '.');
  return OutboxEntry{kind, asset, time_ms, body};
}

std::unique_ptr<Outbox> OpenOrDie(const std::string& path, int64_t quota = 256LL << 20) {
  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(path, Outbox::Options{quota});
  EXPECT_TRUE(outbox.ok()) << outbox.status().ToString();
  return outbox.ok() ? std::move(outbox).value() : nullptr;
}

std::vector<StoredRecord> All(Outbox& outbox) {
  Result<std::vector<StoredRecord>> records = outbox.ReadAfter(0, 1'000'000);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  return records.ok() ? *records : std::vector<StoredRecord>{};
}

OutboxStats StatsOf(Outbox& outbox) {
  Result<OutboxStats> stats = outbox.Stats();
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  return stats.ok() ? *stats : OutboxStats{};
}

int64_t Append(Outbox& outbox, const std::vector<OutboxEntry>& entries,
               const std::map<std::string, int64_t>& checkpoints = {}) {
  Result<int64_t> last = outbox.Append(entries, checkpoints);
  EXPECT_TRUE(last.ok()) << last.status().ToString();
  return last.ok() ? *last : -1;
}

TEST(Outbox, FreshOutboxIsEmpty) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto outbox = OpenOrDie(dir.File("outbox.db"));
  ASSERT_NE(outbox, nullptr);
  OutboxStats s = StatsOf(*outbox);
  EXPECT_EQ(s.last_seq, 0);
  EXPECT_EQ(s.acked_through, 0);
  EXPECT_EQ(s.pending_records, 0);
  EXPECT_EQ(s.pending_bytes, 0);
  EXPECT_TRUE(All(*outbox).empty());
  Result<std::map<std::string, int64_t>> cps = outbox->Checkpoints();
  ASSERT_TRUE(cps.ok());
  EXPECT_TRUE(cps->empty());
}

TEST(Outbox, RefusesANonPositiveQuota) {
  TempDir dir;
  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(dir.File("o.db"), Outbox::Options{0});
  ASSERT_FALSE(outbox.ok());
  EXPECT_EQ(outbox.status().code(), StatusCode::kInvalidArgument);
}

TEST(Outbox, OpenOfAnUnwritablePathNamesTheFile) {
  TempDir dir;
  const std::string path = dir.File("no/such/dir/outbox.db");
  Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(path, {});
  ASSERT_FALSE(outbox.ok());
  EXPECT_NE(outbox.status().message().find(path), std::string::npos) << outbox.status().message();
}

TEST(Outbox, SequenceNumbersAreConsecutiveAcrossAppendsAndReopen) {
  TempDir dir;
  const std::string path = dir.File("outbox.db");
  {
    auto outbox = OpenOrDie(path);
    EXPECT_EQ(Append(*outbox, {Entry(RecordKind::kScore, "P1", 10), Entry(RecordKind::kAlert, "P1", 10)}), 2);
    EXPECT_EQ(Append(*outbox, {Entry(RecordKind::kFeatures, "P2", 20)}), 3);
    EXPECT_EQ(Append(*outbox, {}), 3);  // nothing appended, nothing assigned
  }
  auto outbox = OpenOrDie(path);
  EXPECT_EQ(StatsOf(*outbox).last_seq, 3);
  EXPECT_EQ(Append(*outbox, {Entry(RecordKind::kHealth, "P1", 30), Entry(RecordKind::kScore, "P2", 30)}), 5);
  std::vector<StoredRecord> all = All(*outbox);
  ASSERT_EQ(all.size(), 5u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, static_cast<int64_t>(i + 1));
  EXPECT_EQ(all[0].entry.kind, RecordKind::kScore);
  EXPECT_EQ(all[1].entry.kind, RecordKind::kAlert);
  EXPECT_EQ(all[2].entry.asset, "P2");
  EXPECT_EQ(all[2].entry.time_ms, 20);
  EXPECT_EQ(all[3].entry.kind, RecordKind::kHealth);
  EXPECT_EQ(all[4].entry.body, Entry(RecordKind::kScore, "P2", 30).body);
  OutboxStats s = StatsOf(*outbox);
  EXPECT_EQ(s.pending_records, 5);
  EXPECT_EQ(s.pending_bytes, 5 * kStored);
  EXPECT_EQ(s.pending_by_kind[Index(RecordKind::kScore)], 2);
  EXPECT_EQ(s.pending_by_kind[Index(RecordKind::kFeatures)], 1);
}

TEST(Outbox, CheckpointsAreStoredWithTheRecordsAndSurviveReopen) {
  TempDir dir;
  const std::string path = dir.File("outbox.db");
  {
    auto outbox = OpenOrDie(path);
    Append(*outbox, {Entry(RecordKind::kScore, "P1", 100)}, {{"P1", 100}, {"P2", 50}});
    Append(*outbox, {Entry(RecordKind::kScore, "P1", 200)}, {{"P1", 200}});
    // Checkpoints may move without records (windows that wrote nothing).
    Append(*outbox, {}, {{"P3", 7}});
  }
  auto outbox = OpenOrDie(path);
  Result<std::map<std::string, int64_t>> cps = outbox->Checkpoints();
  ASSERT_TRUE(cps.ok()) << cps.status().ToString();
  EXPECT_EQ(*cps, (std::map<std::string, int64_t>{{"P1", 200}, {"P2", 50}, {"P3", 7}}));
  EXPECT_EQ(StatsOf(*outbox).last_seq, 2);
}

TEST(Outbox, ReadAfterPagesInSequenceOrder) {
  TempDir dir;
  auto outbox = OpenOrDie(dir.File("outbox.db"));
  std::vector<OutboxEntry> entries;
  for (int i = 0; i < 25; ++i) entries.push_back(Entry(RecordKind::kScore, "P1", i));
  Append(*outbox, entries);
  std::vector<int64_t> seen;
  int64_t after = 0;
  int pages = 0;
  while (true) {
    Result<std::vector<StoredRecord>> page = outbox->ReadAfter(after, 10);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (page->empty()) break;
    ++pages;
    EXPECT_LE(page->size(), 10u);
    for (const StoredRecord& r : *page) {
      seen.push_back(r.seq);
      EXPECT_EQ(r.entry.time_ms, r.seq - 1);
    }
    after = page->back().seq;
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 25u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<int64_t>(i + 1));
  Result<std::vector<StoredRecord>> tail = outbox->ReadAfter(20, 100);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 5u);
  EXPECT_EQ(tail->front().seq, 21);
  // ReadAfter does not consume anything.
  EXPECT_EQ(StatsOf(*outbox).pending_records, 25);
}

TEST(Outbox, AckThroughDeletesAndFreesBytes) {
  TempDir dir;
  auto outbox = OpenOrDie(dir.File("outbox.db"));
  std::vector<OutboxEntry> entries;
  for (int i = 0; i < 10; ++i) entries.push_back(Entry(RecordKind::kScore, "P1", i));
  entries.push_back(OutboxEntry{RecordKind::kAlert, "P1", 99, "short"});
  Append(*outbox, entries);
  ASSERT_TRUE(outbox->AckThrough(4).ok());
  OutboxStats s = StatsOf(*outbox);
  EXPECT_EQ(s.acked_through, 4);
  EXPECT_EQ(s.pending_records, 7);
  EXPECT_EQ(s.pending_bytes, 6 * kStored + 5 + Outbox::kRecordOverheadBytes);
  std::vector<StoredRecord> left = All(*outbox);
  ASSERT_FALSE(left.empty());
  EXPECT_EQ(left.front().seq, 5);

  // A lower (or equal) acknowledgement is a no-op.
  ASSERT_TRUE(outbox->AckThrough(2).ok());
  ASSERT_TRUE(outbox->AckThrough(4).ok());
  s = StatsOf(*outbox);
  EXPECT_EQ(s.acked_through, 4);
  EXPECT_EQ(s.pending_records, 7);

  ASSERT_TRUE(outbox->AckThrough(11).ok());
  s = StatsOf(*outbox);
  EXPECT_EQ(s.pending_records, 0);
  EXPECT_EQ(s.pending_bytes, 0);
  EXPECT_EQ(s.last_seq, 11);
  EXPECT_TRUE(All(*outbox).empty());
}

// Sum of the stored sizes of what is actually pending.
int64_t StoredBytes(Outbox& outbox) {
  int64_t bytes = 0;
  for (const StoredRecord& r : All(outbox)) {
    bytes += static_cast<int64_t>(r.entry.body.size()) + Outbox::kRecordOverheadBytes;
  }
  return bytes;
}

TEST(Outbox, QuotaDropsFeatureRowsFirstOldestFirstAndKeepsAlerts) {
  TempDir dir;
  const int64_t quota = 40 * kStored;  // 5920 bytes, back under 5328 after a drop
  auto outbox = OpenOrDie(dir.File("outbox.db"), quota);
  // 10 windows: a feature row, a score and an alert each (seqs 1..30), 30 * 148 = 4440 bytes.
  std::vector<OutboxEntry> first;
  for (int i = 0; i < 10; ++i) {
    first.push_back(Entry(RecordKind::kFeatures, "P1", i));
    first.push_back(Entry(RecordKind::kScore, "P1", i));
    first.push_back(Entry(RecordKind::kAlert, "P1", i));
  }
  EXPECT_EQ(Append(*outbox, first), 30);
  // 10 more feature rows: exactly at the quota, nothing is dropped.
  std::vector<OutboxEntry> second;
  for (int i = 10; i < 20; ++i) second.push_back(Entry(RecordKind::kFeatures, "P1", i));
  EXPECT_EQ(Append(*outbox, second), 40);
  EXPECT_EQ(StatsOf(*outbox).dropped_by_kind[Index(RecordKind::kFeatures)], 0);
  EXPECT_EQ(StatsOf(*outbox).pending_bytes, quota);

  // 5 more: 45 records, 6660 bytes; the 9 oldest feature rows must go to get under 5328.
  std::vector<OutboxEntry> third;
  for (int i = 20; i < 25; ++i) third.push_back(Entry(RecordKind::kFeatures, "P1", i));
  EXPECT_EQ(Append(*outbox, third), 45);
  OutboxStats s = StatsOf(*outbox);
  EXPECT_EQ(s.dropped_by_kind[Index(RecordKind::kFeatures)], 9);
  EXPECT_EQ(s.dropped_by_kind[Index(RecordKind::kScore)], 0);
  EXPECT_EQ(s.dropped_by_kind[Index(RecordKind::kAlert)], 0);
  EXPECT_EQ(s.pending_by_kind[Index(RecordKind::kScore)], 10);
  EXPECT_EQ(s.pending_by_kind[Index(RecordKind::kAlert)], 10);
  EXPECT_EQ(s.pending_by_kind[Index(RecordKind::kFeatures)], 16);
  EXPECT_LE(s.pending_bytes, quota * 9 / 10);
  EXPECT_EQ(s.pending_bytes, StoredBytes(*outbox));
  std::vector<int64_t> feature_times;
  for (const StoredRecord& r : All(*outbox)) {
    if (r.entry.kind == RecordKind::kFeatures) feature_times.push_back(r.entry.time_ms);
  }
  ASSERT_FALSE(feature_times.empty());
  EXPECT_EQ(feature_times.front(), 9);  // rows 0..8, the oldest, went
  EXPECT_EQ(feature_times.back(), 24);

  // 20 alerts (2960 bytes): every feature row goes, then the oldest scores; alerts stay.
  std::vector<OutboxEntry> alerts;
  for (int i = 100; i < 120; ++i) alerts.push_back(Entry(RecordKind::kAlert, "P2", i));
  EXPECT_EQ(Append(*outbox, alerts), 65);
  s = StatsOf(*outbox);
  EXPECT_EQ(s.dropped_by_kind[Index(RecordKind::kFeatures)], 25);
  EXPECT_EQ(s.pending_by_kind[Index(RecordKind::kFeatures)], 0);
  EXPECT_EQ(s.dropped_by_kind[Index(RecordKind::kScore)], 4);
  EXPECT_EQ(s.dropped_by_kind[Index(RecordKind::kAlert)], 0);
  EXPECT_EQ(s.pending_by_kind[Index(RecordKind::kAlert)], 30);
  EXPECT_LE(s.pending_bytes, quota * 9 / 10);
  EXPECT_EQ(s.pending_bytes, StoredBytes(*outbox));
  std::vector<int64_t> score_times;
  for (const StoredRecord& r : All(*outbox)) {
    if (r.entry.kind == RecordKind::kScore) score_times.push_back(r.entry.time_ms);
  }
  EXPECT_EQ(score_times, (std::vector<int64_t>{4, 5, 6, 7, 8, 9}));
}

TEST(Outbox, AlertsGoOnlyWhenNothingElseIsLeft) {
  TempDir dir;
  const int64_t quota = 10 * kStored;
  auto outbox = OpenOrDie(dir.File("outbox.db"), quota);
  std::vector<OutboxEntry> alerts;
  for (int i = 0; i < 12; ++i) alerts.push_back(Entry(RecordKind::kAlert, "P1", i));
  EXPECT_EQ(Append(*outbox, alerts), 12);
  OutboxStats s = StatsOf(*outbox);
  // 12 * 148 over 1480: down to 1332 (9 alerts), the 3 oldest dropped, and counted.
  EXPECT_EQ(s.dropped_by_kind[Index(RecordKind::kAlert)], 3);
  EXPECT_EQ(s.pending_records, 9);
  EXPECT_LE(s.pending_bytes, quota * 9 / 10);
  std::vector<StoredRecord> left = All(*outbox);
  ASSERT_EQ(left.size(), 9u);
  EXPECT_EQ(left.front().seq, 4);
}

TEST(Outbox, SequenceNumbersAreNeverReusedAfterDropsAndAcks) {
  TempDir dir;
  const std::string path = dir.File("outbox.db");
  std::set<int64_t> seen;
  int64_t last = 0;
  {
    auto outbox = OpenOrDie(path, 10 * kStored);
    for (int round = 0; round < 6; ++round) {
      std::vector<OutboxEntry> batch;
      for (int i = 0; i < 7; ++i) batch.push_back(Entry(RecordKind::kFeatures, "P1", round * 10 + i));
      last = Append(*outbox, batch);
      EXPECT_EQ(last, (round + 1) * 7);
      for (const StoredRecord& r : All(*outbox)) seen.insert(r.seq);
      if (round == 3) {
        ASSERT_TRUE(outbox->AckThrough(last).ok());
      }
    }
    EXPECT_GT(StatsOf(*outbox).dropped_by_kind[Index(RecordKind::kFeatures)], 0);
    ASSERT_TRUE(outbox->AckThrough(last).ok());
    EXPECT_EQ(StatsOf(*outbox).pending_records, 0);
  }
  auto outbox = OpenOrDie(path, 10 * kStored);
  EXPECT_EQ(Append(*outbox, {Entry(RecordKind::kScore, "P1", 1000)}), last + 1);
  std::vector<StoredRecord> all = All(*outbox);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].seq, last + 1);
  EXPECT_EQ(seen.count(all[0].seq), 0u);
  EXPECT_EQ(StatsOf(*outbox).acked_through, last);
}

}  // namespace
}  // namespace edgeloop::agent
