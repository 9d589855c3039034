#include "agent/sync_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent/testing/sync_testing.h"

namespace edgeloop::agent {
namespace {

TEST_F(SyncClientTest, SendsRecordsInRangesAndDeletesWhatTheServerAcknowledged) {
  Append(25);
  auto client = NewClient(10);
  EXPECT_TRUE(client->Due(clock_.NowMillis()));
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  ASSERT_EQ(server_.requests.size(), 1u);
  const api::SyncBatch& first = server_.requests[0].batch;
  EXPECT_EQ(first.after_seq, 0);
  EXPECT_EQ(first.through_seq, 10);
  EXPECT_EQ(first.records.size(), 10u);
  EXPECT_EQ(Stats().acked_through, 10);
  EXPECT_EQ(Stats().pending_records, 15);
  // A full batch: the backlog goes on at the next turn.
  EXPECT_TRUE(client->Due(clock_.NowMillis()));

  SyncWhileDue(*client);
  ASSERT_EQ(server_.requests.size(), 3u);
  EXPECT_EQ(server_.requests[1].batch.after_seq, 10);
  EXPECT_EQ(server_.requests[1].batch.through_seq, 20);
  EXPECT_EQ(server_.requests[2].batch.after_seq, 20);
  EXPECT_EQ(server_.requests[2].batch.through_seq, 25);
  ExpectServerHolds(written_);
  EXPECT_EQ(server_.duplicates, 0);
  EXPECT_EQ(Stats().pending_records, 0);
  EXPECT_EQ(Stats().acked_through, 25);
  EXPECT_EQ(client->status().acked_through, 25);
  EXPECT_EQ(client->status().records_sent_total, 25);
  // Caught up: the next sync is a period away.
  EXPECT_EQ(client->next_due_ms(), clock_.NowMillis() - 1000 + kPeriodMs);

  // An idle sync is an empty range at the acknowledgement.
  clock_.Advance(kPeriodMs);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(server_.requests.back().batch.after_seq, 25);
  EXPECT_EQ(server_.requests.back().batch.through_seq, 25);
  EXPECT_TRUE(server_.requests.back().batch.records.empty());
}

TEST_F(SyncClientTest, ReportsTheDeviceState) {
  const std::string v1 = InstallLocally(1);
  const std::string v2 = InstallLocally(2, /*pass_probation=*/false);
  Append(3);
  auto client = NewClient();
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis(), "degraded").ok());
  ASSERT_EQ(server_.requests.size(), 1u);
  const api::ReportedState& r = server_.requests[0].reported;
  EXPECT_EQ(r.agent_version, "0.1.0-test");
  EXPECT_EQ(r.running_bundle, v2);
  EXPECT_EQ(r.previous_bundle, v1);
  EXPECT_EQ(r.model_version, 2);
  EXPECT_TRUE(r.in_probation);
  EXPECT_EQ(r.health, "degraded");
  EXPECT_EQ(r.outbox_depth, 3);  // before this sync's acknowledgement
  EXPECT_EQ(r.outbox_dropped, 0);
  EXPECT_EQ(r.device_time_ms, clock_.NowMillis());
  EXPECT_EQ(r.last_install.outcome, api::InstallOutcome::kNone);
  EXPECT_EQ(server_.requests[0].desired_etag, "");
}

TEST_F(SyncClientTest, KeepsEverythingWhileTheServerIsDownAndBacksOff) {
  Append(5);
  auto client = NewClient();
  server_.refuse = 3;
  int64_t previous_delay = 0;
  for (int failure = 1; failure <= 3; ++failure) {
    const int64_t now = clock_.NowMillis();
    Status s = client->SyncOnce(now);
    EXPECT_EQ(s.code(), StatusCode::kUnavailable);
    EXPECT_EQ(client->status().consecutive_failures, failure);
    EXPECT_EQ(client->status().failures_total, failure);
    EXPECT_THAT(client->status().last_error, HasSubstr("cannot connect"));
    // period * 2^(failures-1), jittered down by at most half.
    const int64_t delay = client->next_due_ms() - now;
    const int64_t full = kPeriodMs << (failure - 1);
    EXPECT_GE(delay, full / 2) << failure;
    EXPECT_LE(delay, full) << failure;
    EXPECT_GT(delay, previous_delay / 2) << failure;
    previous_delay = delay;
    EXPECT_FALSE(client->Due(now + full / 2 - 1));
    EXPECT_EQ(Stats().pending_records, 5);
    EXPECT_EQ(Stats().acked_through, 0);
    AdvanceTo(*client);
  }
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(client->status().consecutive_failures, 0);
  EXPECT_EQ(client->status().failures_total, 3);
  EXPECT_EQ(client->status().last_success_ms, clock_.NowMillis());
  ExpectServerHolds(written_);
  EXPECT_EQ(Stats().pending_records, 0);
}

TEST_F(SyncClientTest, BackoffIsCapped) {
  SyncClientOptions o = Options();
  o.max_backoff_ms = 5 * kPeriodMs;
  SyncClient client(o, fs_, *outbox_, bundles_, server_, random_, log_);
  server_.refuse = 50;
  for (int i = 0; i < 12; ++i) {
    const int64_t now = clock_.NowMillis();
    (void)client.SyncOnce(now);
    EXPECT_LE(client.next_due_ms() - now, 5 * kPeriodMs);
    AdvanceTo(client);
  }
  EXPECT_EQ(client.status().consecutive_failures, 12);
}

TEST_F(SyncClientTest, ServerErrorsAreCountedAndRetried) {
  Append(4);
  auto client = NewClient();
  server_.fail_status = 503;
  Status s = client->SyncOnce(clock_.NowMillis());
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("server answered 503"));
  EXPECT_THAT(s.message(), HasSubstr("the server is restarting"));
  EXPECT_TRUE(server_.stored.empty());
  EXPECT_EQ(Stats().pending_records, 4);
  server_.fail_status = 401;
  AdvanceTo(*client);
  EXPECT_EQ(client->SyncOnce(clock_.NowMillis()).code(), StatusCode::kUnauthenticated);
  AdvanceTo(*client);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  ExpectServerHolds(written_);
  EXPECT_EQ(client->status().failures_total, 2);
}

TEST_F(SyncClientTest, ARetryAfterALostAnswerDuplicatesNothing) {
  Append(8);
  auto client = NewClient(100);
  server_.drop_answers = 1;
  EXPECT_TRUE(net::IsDeadlineExceeded(client->SyncOnce(clock_.NowMillis())));
  // The server holds the batch; the device does not know it and keeps its records.
  EXPECT_EQ(server_.stored.size(), 8u);
  EXPECT_EQ(Stats().pending_records, 8);
  Append(4);
  AdvanceTo(*client);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(server_.duplicates, 8);  // ignored, not stored twice
  ExpectServerHolds(written_);
  EXPECT_EQ(server_.acked, 12);
  EXPECT_EQ(Stats().pending_records, 0);
}

TEST_F(SyncClientTest, ARestartBetweenStoreAndAcknowledgementDuplicatesNothing) {
  Append(6);
  {
    auto client = NewClient();
    server_.drop_answers = 1;
    (void)client->SyncOnce(clock_.NowMillis());
  }
  // As after a kill -9: a new process opens the same outbox and status file.
  Reopen();
  Append(2);
  auto client = NewClient();
  EXPECT_EQ(client->status().failures_total, 1);
  EXPECT_TRUE(client->Due(clock_.NowMillis()));
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(server_.requests.back().batch.after_seq, 0);
  ExpectServerHolds(written_);
  EXPECT_EQ(server_.duplicates, 6);
  EXPECT_EQ(Stats().pending_records, 0);
  EXPECT_EQ(Stats().acked_through, 8);
}

TEST_F(SyncClientTest, NeverAcknowledgesBeyondTheBatchItSent) {
  Append(30);
  auto client = NewClient(10);
  server_.lie_acked = 1000;
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(Stats().acked_through, 10);
  EXPECT_EQ(Stats().pending_records, 20);
  Result<std::vector<StoredRecord>> left = outbox_->ReadAfter(0, 100);
  ASSERT_TRUE(left.ok());
  ASSERT_FALSE(left->empty());
  EXPECT_EQ(left->front().seq, 11);
}

TEST_F(SyncClientTest, ReplaysInAnyOrderNeitherDuplicateNorLose) {
  auto client = NewClient(7);
  Random faults(2026);
  // Records arrive while the link flaps: refused calls and lost answers, seeded.
  for (int round = 0; round < 40; ++round) {
    Append(static_cast<int>(faults.UniformInt(0, 9)));
    if (faults.Bernoulli(0.25)) server_.drop_answers = 1;
    if (faults.Bernoulli(0.2)) server_.refuse = 1;
    clock_.Set(std::max(clock_.NowMillis() + 1000,
                        client->Due(clock_.NowMillis()) ? 0 : client->next_due_ms()));
    (void)client->SyncOnce(clock_.NowMillis());
  }
  server_.drop_answers = 0;
  server_.refuse = 0;
  AdvanceTo(*client);
  SyncWhileDue(*client);
  ExpectServerHolds(written_);
  EXPECT_EQ(Stats().pending_records, 0);
  const int64_t last_seq = Stats().last_seq;
  EXPECT_EQ(server_.acked, last_seq);

  // A second server gets every request the first one saw, shuffled and some twice.
  std::vector<api::SyncRequest> replays = server_.requests;
  for (size_t i = 0; i < server_.requests.size(); i += 3) replays.push_back(server_.requests[i]);
  Random order(7);
  for (size_t i = replays.size(); i > 1; --i) {
    std::swap(replays[i - 1],
              replays[static_cast<size_t>(order.UniformInt(0, static_cast<int64_t>(i) - 1))]);
  }
  FakeServer other;
  for (const api::SyncRequest& r : replays) {
    api::SyncResponse answer = other.Apply(r);
    EXPECT_LE(answer.acked_through, last_seq);
  }
  EXPECT_EQ(other.conflicts, 0);
  ASSERT_EQ(other.stored.size(), written_.size());
  for (const auto& [seq, body] : written_) EXPECT_EQ(other.stored.at(seq).body, body);
  // And the first server, given old requests again, changes nothing.
  const size_t before = server_.stored.size();
  for (size_t i = 0; i < 5 && i < server_.requests.size(); ++i) {
    api::SyncRequest old = server_.requests[i];
    EXPECT_EQ(server_.Apply(old).acked_through, last_seq);
  }
  EXPECT_EQ(server_.stored.size(), before);
}

TEST_F(SyncClientTest, RecordsDroppedUnderTheQuotaAreGapsTheRangeCovers) {
  // About 120 bytes a record: a 2 KB quota holds some 17 of them.
  Reopen(2048);
  Append(30, api::RecordKind::kFeatures);
  Append(3, api::RecordKind::kAlert);
  const OutboxStats before = Stats();
  ASSERT_GT(before.dropped_by_kind[0], 0);
  ASSERT_EQ(before.last_seq, 33);
  std::map<int64_t, std::string> held;
  Result<std::vector<StoredRecord>> records = outbox_->ReadAfter(0, 1000);
  ASSERT_TRUE(records.ok());
  for (const StoredRecord& r : *records) held[r.seq] = r.entry.body;
  ASSERT_LT(held.size(), 33u);

  auto client = NewClient(100);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  const api::SyncRequest& sent = server_.requests.at(0);
  EXPECT_EQ(sent.batch.after_seq, 0);
  EXPECT_EQ(sent.batch.through_seq, 33);
  EXPECT_EQ(sent.reported.outbox_dropped, before.dropped_by_kind[0]);
  ExpectServerHolds(held);
  EXPECT_EQ(server_.acked, 33);
  EXPECT_EQ(Stats().acked_through, 33);
  EXPECT_EQ(Stats().pending_records, 0);
}

TEST_F(SyncClientTest, TrailingDroppedRecordsAreCoveredToo) {
  Append(5);
  {
    auto client = NewClient();
    ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  }
  // Records 6..9 are written and all dropped before the next sync: the outbox holds nothing
  // after 5, yet the range reaches the last sequence number, so the server knows.
  Reopen(100);
  Append(4, api::RecordKind::kFeatures);
  ASSERT_EQ(Stats().dropped_by_kind[0], 4);
  ASSERT_EQ(Stats().pending_records, 0);
  auto client = NewClient();
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(server_.requests.back().batch.after_seq, 5);
  EXPECT_EQ(server_.requests.back().batch.through_seq, 9);
  EXPECT_TRUE(server_.requests.back().batch.records.empty());
  EXPECT_EQ(server_.acked, 9);
  EXPECT_EQ(Stats().acked_through, 9);
}

TEST_F(SyncClientTest, StartsFromTheServersAcknowledgementWhenTheServerLostRecords) {
  Append(10);
  auto client = NewClient(100);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(Stats().acked_through, 10);
  server_.LoseEverything();  // restored from an old backup
  std::map<int64_t, std::string> newer;
  Append(5);
  for (int64_t seq = 11; seq <= 15; ++seq) newer[seq] = written_[seq];
  AdvanceTo(*client);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  // (10, 15] lies beyond the server's hole: stored, not acknowledged.
  EXPECT_EQ(server_.acked, 0);
  EXPECT_EQ(Stats().acked_through, 10);
  EXPECT_EQ(Stats().pending_records, 5);
  AdvanceTo(*client);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  // The device resends from the server's acknowledgement; 1..10 are gone from it, a gap.
  EXPECT_EQ(server_.requests.back().batch.after_seq, 0);
  EXPECT_EQ(server_.requests.back().batch.through_seq, 15);
  EXPECT_EQ(server_.acked, 15);
  ExpectServerHolds(newer);
  EXPECT_EQ(Stats().pending_records, 0);
}

TEST_F(SyncClientTest, KeepsTheDesiredStateAcrossEtagMatches) {
  server_.SetDesired("", false, 120);
  auto client = NewClient();
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_TRUE(client->status().has_desired);
  EXPECT_EQ(client->status().desired.sync_period_s, 120);
  EXPECT_EQ(client->next_due_ms(), clock_.NowMillis() + 120'000);
  AdvanceTo(*client);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(server_.requests[1].desired_etag, server_.etag);
  EXPECT_TRUE(client->status().has_desired);
  EXPECT_EQ(client->status().desired.sync_period_s, 120);
  EXPECT_EQ(client->next_due_ms(), clock_.NowMillis() + 120'000);
}

TEST_F(SyncClientTest, DownloadsAndInstallsTheDesiredBundleAndReportsIt) {
  const std::string v1 = InstallLocally(1);
  const std::string v2 = ServeVersion(2);
  server_.SetDesired(v2);
  auto client = NewClient();
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  ASSERT_EQ(server_.download_ranges.size(), 1u);
  EXPECT_EQ(server_.download_ranges[0], "bytes=0-");
  const BundleState state = State();
  EXPECT_EQ(state.active, v2);
  EXPECT_EQ(state.previous, v1);
  EXPECT_TRUE(state.on_probation);
  EXPECT_EQ(client->status().last_install.outcome, api::InstallOutcome::kInstalled);
  EXPECT_EQ(client->status().last_install.bundle_digest, v2);
  EXPECT_FALSE(fs_.Exists(dir_.File("bundles/staging/" + v2 + ".part")));
  // The report goes out at once.
  EXPECT_TRUE(client->Due(clock_.NowMillis()));
  clock_.Advance(1000);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  const api::ReportedState& reported = server_.requests.back().reported;
  EXPECT_EQ(reported.running_bundle, v2);
  EXPECT_TRUE(reported.in_probation);
  EXPECT_EQ(reported.last_install.outcome, api::InstallOutcome::kInstalled);
  EXPECT_EQ(reported.last_install.bundle_digest, v2);
  EXPECT_EQ(server_.download_ranges.size(), 1u);  // running now: not fetched again
}

TEST_F(SyncClientTest, ResumesADownloadServedInPieces) {
  Result<std::string> bytes = testing::BuildTestBundle(3);
  ASSERT_TRUE(bytes.ok());
  const std::string digest = server_.Serve(*bytes);
  server_.SetDesired(digest);
  server_.chunk = bytes->size() / 3 + 1;
  auto client = NewClient();
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(State().active, "");
  EXPECT_TRUE(client->Due(clock_.NowMillis()));  // the rest follows at the next turn
  SyncWhileDue(*client);
  ASSERT_EQ(server_.download_ranges.size(), 3u);
  EXPECT_EQ(server_.download_ranges[0], "bytes=0-");
  EXPECT_EQ(server_.download_ranges[1], "bytes=" + std::to_string(server_.chunk) + "-");
  EXPECT_EQ(server_.download_ranges[2], "bytes=" + std::to_string(2 * server_.chunk) + "-");
  EXPECT_EQ(State().active, digest);
  EXPECT_EQ(client->status().last_install.outcome, api::InstallOutcome::kInstalled);
}

TEST_F(SyncClientTest, ResumesAPartialFileWith206AfterARestart) {
  Result<std::string> bytes = testing::BuildTestBundle(3);
  ASSERT_TRUE(bytes.ok());
  const std::string digest = server_.Serve(*bytes);
  server_.SetDesired(digest);
  ASSERT_TRUE(fs_.CreateDirs(dir_.File("bundles/staging")).ok());
  ASSERT_TRUE(
      fs_.WriteFileAtomic(dir_.File("bundles/staging/" + digest + ".part"), bytes->substr(0, 1000))
          .ok());
  auto client = NewClient();
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  ASSERT_EQ(server_.download_ranges.size(), 1u);
  EXPECT_EQ(server_.download_ranges[0], "bytes=1000-");
  EXPECT_EQ(State().active, digest);
}

TEST_F(SyncClientTest, ADownloadThatFailsIsRetriedNotRejected) {
  const std::string digest = ServeVersion(2);
  server_.SetDesired(digest);
  server_.bundles.clear();  // the server does not have it yet: 404
  auto client = NewClient();
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());  // the sync itself went through
  EXPECT_EQ(client->status().download_failures_total, 1);
  EXPECT_THAT(client->status().last_error, HasSubstr("server answered 404"));
  EXPECT_EQ(client->status().last_install.outcome, api::InstallOutcome::kNone);
  EXPECT_EQ(client->status().refused_bundle, "");
  ServeVersion(2);
  AdvanceTo(*client);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(State().active, digest);
}

TEST_F(SyncClientTest, RejectsAnUntrustedBundleAndDoesNotTryItAgainUntilTheDesiredDigestChanges) {
  const std::string v1 = InstallLocally(1);
  const std::string untrusted = ServeVersion(2, /*key_seed=*/99);
  server_.SetDesired(untrusted);
  auto client = NewClient();
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(State().active, v1);
  EXPECT_EQ(client->status().last_install.outcome, api::InstallOutcome::kRejected);
  EXPECT_EQ(client->status().last_install.bundle_digest, untrusted);
  EXPECT_FALSE(client->status().last_install.message.empty());
  EXPECT_EQ(client->status().refused_bundle, untrusted);
  EXPECT_EQ(server_.download_ranges.size(), 1u);

  // The report goes out; the same desired digest is not fetched again, however often it syncs.
  for (int i = 0; i < 3; ++i) {
    clock_.Set(std::max(clock_.NowMillis() + 1000, client->next_due_ms()));
    ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  }
  EXPECT_EQ(server_.requests[1].reported.last_install.outcome, api::InstallOutcome::kRejected);
  EXPECT_EQ(server_.requests[1].reported.last_install.message,
            client->status().last_install.message);
  EXPECT_EQ(server_.download_ranges.size(), 1u);

  // A restart remembers it.
  auto restarted = NewClient();
  EXPECT_EQ(restarted->status().refused_bundle, untrusted);
  ASSERT_TRUE(restarted->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(server_.download_ranges.size(), 1u);

  // A new desired digest is installed; going back to the rejected one tries it again.
  const std::string v3 = ServeVersion(3);
  server_.SetDesired(v3);
  AdvanceTo(*restarted);
  ASSERT_TRUE(restarted->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(State().active, v3);
  EXPECT_EQ(restarted->status().refused_bundle, "");
  server_.SetDesired(untrusted);
  AdvanceTo(*restarted);
  ASSERT_TRUE(restarted->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(server_.download_ranges.size(), 3u);
  EXPECT_EQ(restarted->status().last_install.outcome, api::InstallOutcome::kRejected);
}

TEST_F(SyncClientTest, RejectsBytesThatDoNotHashToTheDesiredDigest) {
  const std::string digest = ServeVersion(2);
  server_.bundles[BundleUrl(digest)] += "tampered";
  server_.SetDesired(digest);
  auto client = NewClient();
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(client->status().last_install.outcome, api::InstallOutcome::kRejected);
  EXPECT_THAT(client->status().last_install.message, HasSubstr("download failed"));
  EXPECT_EQ(State().active, "");
}

TEST_F(SyncClientTest, AnOlderBundleNeedsTheServersRollbackOrder) {
  const std::string v1 = InstallLocally(1);
  const std::string v2 = InstallLocally(2);
  ServeVersion(1);
  server_.SetDesired(v1);
  auto client = NewClient();
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(State().active, v2);
  EXPECT_EQ(client->status().last_install.outcome, api::InstallOutcome::kRejected);
  EXPECT_THAT(client->status().last_install.message, HasSubstr("older"));
  // Ordered as a rollback, it runs — from the copy the device kept, with no download.
  server_.SetDesired(v1, /*allow_older=*/true);
  AdvanceTo(*client);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(State().active, v1);
  EXPECT_EQ(client->status().last_install.outcome, api::InstallOutcome::kInstalled);
  EXPECT_TRUE(server_.download_ranges.empty());
}

TEST_F(SyncClientTest, ReportsARollbackAfterProbationAndDoesNotReinstall) {
  const std::string v1 = InstallLocally(1);
  const std::string v2 = ServeVersion(2);
  server_.SetDesired(v2);
  auto client = NewClient();
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  ASSERT_EQ(State().active, v2);
  // The loop's probation fails.
  ASSERT_TRUE(
      bundles_.RollBack(v2, "probation failed: 3 of 20 scores were not finite (limit 0)").ok());
  client->SyncSoon();
  clock_.Advance(1000);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  const api::InstallReport& report = server_.requests.back().reported.last_install;
  EXPECT_EQ(report.outcome, api::InstallOutcome::kRolledBack);
  EXPECT_EQ(report.bundle_digest, v2);
  EXPECT_THAT(report.message, HasSubstr("probation failed: 3 of 20"));
  EXPECT_EQ(server_.requests.back().reported.running_bundle, v1);
  EXPECT_EQ(State().active, v1);
  EXPECT_EQ(server_.download_ranges.size(), 1u);
  AdvanceTo(*client);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  EXPECT_EQ(State().active, v1);
  EXPECT_EQ(server_.download_ranges.size(), 1u);
}

TEST_F(SyncClientTest, PersistsItsStatus) {
  Append(2);
  auto client = NewClient();
  server_.SetDesired("", false, 30);
  ASSERT_TRUE(client->SyncOnce(clock_.NowMillis()).ok());
  server_.refuse = 1;
  AdvanceTo(*client);
  (void)client->SyncOnce(clock_.NowMillis());
  Result<SyncStatus> read = ReadSyncStatus(fs_, dir_.File("sync.json"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->ToJson(), client->status().ToJson());
  EXPECT_EQ(read->syncs_total, 1);
  EXPECT_EQ(read->failures_total, 1);
  EXPECT_EQ(read->acked_through, 2);
  EXPECT_EQ(read->last_attempt_ms, clock_.NowMillis());
  EXPECT_TRUE(read->has_desired);
  EXPECT_EQ(read->desired.sync_period_s, 30);

  EXPECT_EQ(ReadSyncStatus(fs_, dir_.File("nope.json")).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(fs_.WriteFileAtomic(dir_.File("sync.json"), "{\"last_attempt_ms\":1}").ok());
  Result<SyncStatus> broken = ReadSyncStatus(fs_, dir_.File("sync.json"));
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.status().message(), HasSubstr("sync.json"));
  // A client that finds it broken starts afresh rather than not at all.
  auto fresh = NewClient();
  EXPECT_EQ(fresh->status().syncs_total, 0);
  EXPECT_TRUE(fresh->Due(clock_.NowMillis()));
}

// The loop syncs when due by its clock, and a server that is down never stops it scoring.

}  // namespace
}  // namespace edgeloop::agent
