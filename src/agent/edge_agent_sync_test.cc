// The edge agent driving its sync client from the loop, by the injected clock.
#include "agent/edge_agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent/testing/sync_testing.h"

namespace edgeloop::agent {
namespace {

class EdgeAgentSyncTest : public SyncClientTest {
 protected:
  std::unique_ptr<EdgeAgent> NewAgent(SyncClient& sync) {
    EdgeAgentOptions options;
    options.device_id = kDevice;
    auto agent = std::make_unique<EdgeAgent>(options, clock_, *outbox_, bundles_, log_);
    Result<io::CsvReplaySource> source =
        io::CsvReplaySource::FromData(testing::TestReadings(2, 72, 9), {}, 0, 50);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    if (source.ok())
      agent->AddSource(std::make_unique<io::CsvReplaySource>(std::move(*source)), false);
    agent->SetSyncClient(&sync);
    EXPECT_TRUE(agent->Start().ok());
    return agent;
  }
};

TEST_F(EdgeAgentSyncTest, SyncsWhenDueByTheClock) {
  InstallLocally(1);
  auto client = NewClient(5000);
  auto agent = NewAgent(*client);
  Result<std::optional<int64_t>> next = agent->RunOnce();
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  ASSERT_EQ(server_.requests.size(), 1u);  // due at start
  EXPECT_EQ(server_.acked, Stats().last_seq);
  clock_.Advance(1000);
  ASSERT_TRUE(agent->RunOnce().ok());
  EXPECT_EQ(server_.requests.size(), 1u);  // a period away
  AdvanceTo(*client);
  ASSERT_TRUE(agent->RunOnce().ok());
  EXPECT_EQ(server_.requests.size(), 2u);
  ASSERT_TRUE(next->has_value());
}

TEST_F(EdgeAgentSyncTest, ScoresOnWhileTheServerIsDownAndLosesNothingAfter) {
  InstallLocally(1);
  SyncClientOptions o = Options(100);
  o.period_ms = 2000;
  SyncClient client(o, fs_, *outbox_, bundles_, server_, random_, log_);
  auto agent = NewAgent(client);
  server_.refuse = 1'000'000;
  int turns = 0;
  while (turns++ < 10'000) {
    Result<std::optional<int64_t>> next = agent->RunOnce();
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (!next->has_value()) break;
    clock_.Set(std::max(**next, clock_.NowMillis() + 1000));
  }
  ASSERT_TRUE(agent->Drain().ok());
  const AgentSnapshot snapshot = agent->Snapshot();
  EXPECT_GT(snapshot.scores_total, 50);
  EXPECT_GT(client.status().failures_total, 2);
  EXPECT_TRUE(server_.stored.empty());
  const OutboxStats before = Stats();
  EXPECT_EQ(before.pending_records, before.last_seq);

  std::map<int64_t, std::string> written;
  Result<std::vector<StoredRecord>> all = outbox_->ReadAfter(0, 1'000'000);
  ASSERT_TRUE(all.ok());
  for (const StoredRecord& r : *all) written[r.seq] = r.entry.body;
  server_.refuse = 0;
  AdvanceTo(client);
  SyncWhileDue(client, 1000);
  ExpectServerHolds(written);
  EXPECT_EQ(server_.duplicates, 0);
  EXPECT_EQ(Stats().pending_records, 0);
  EXPECT_EQ(server_.acked, before.last_seq);
}

}  // namespace
}  // namespace edgeloop::agent
