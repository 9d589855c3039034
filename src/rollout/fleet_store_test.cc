#include "rollout/fleet_store.h"

#include <thread>

#include <gtest/gtest.h>

#include "store/testing/temp_dir.h"

namespace edgeloop::rollout {
namespace {

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
const std::string kBundleA(64, 'a');
const std::string kBundleB(64, 'b');

api::SyncRecord ScoreRecord(int64_t seq, const std::string& bundle = kBundleA) {
  api::ScoreRecord score;
  score.asset = "P001";
  score.window_end_ms = kT0 + seq * 1000;
  score.score = 0.25;
  score.threshold = 0.5;
  score.bundle_digest = bundle;
  score.model_version = 3;
  return api::SyncRecord{seq, api::RecordKind::kScore, score.window_end_ms, api::ToJson(score)};
}

api::SyncRecord AlertRecord(int64_t seq, api::AlertState state, const std::string& bundle) {
  api::AlertRecord alert;
  alert.asset = "P002";
  alert.alert_id = "P002@" + std::to_string(kT0);
  alert.state = state;
  alert.time_ms = kT0 + seq * 1000;
  alert.score = 0.9;
  alert.threshold = 0.5;
  alert.bundle_digest = bundle;
  alert.model_version = 3;
  return api::SyncRecord{seq, api::RecordKind::kAlert, alert.time_ms, api::ToJson(alert)};
}

api::SyncRequest Sync(const std::string& device, int64_t after, int64_t through,
                      const std::vector<int64_t>& seqs, const std::string& etag = "") {
  api::SyncRequest request;
  request.device_id = device;
  request.desired_etag = etag;
  request.reported.agent_version = "0.1.0";
  request.batch.after_seq = after;
  request.batch.through_seq = through;
  for (int64_t seq : seqs) request.batch.records.push_back(ScoreRecord(seq));
  return request;
}

class FleetStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    Result<std::unique_ptr<FleetStore>> opened = FleetStore::Open(DbPath());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  std::string DbPath() const { return dir_.Join("edgeloop.db"); }

  Device Provision(const std::string& id, std::map<std::string, std::string> tags = {},
                   const std::string& site = "north") {
    Result<Device> device =
        store_->ProvisionDevice(NewDevice{id, site, std::move(tags), {"P002", "P001"}}, kT0);
    EXPECT_TRUE(device.ok()) << device.status().ToString();
    return device.ok() ? *device : Device();
  }

  api::SyncResponse MustSync(const api::SyncRequest& request, SyncEffects* effects = nullptr,
                             int64_t now_ms = kT0 + 60000) {
    Result<api::SyncResponse> response = store_->ApplySync(request, now_ms, effects);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? *response : api::SyncResponse();
  }

  std::vector<int64_t> StoredSeqs(const std::string& device) {
    RecordQuery query;
    query.device = device;
    Result<std::vector<StoredRecord>> records = store_->QueryRecords(query);
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    std::vector<int64_t> seqs;
    if (records.ok()) {
      for (const StoredRecord& r : *records) seqs.push_back(r.seq);
    }
    return seqs;
  }

  store::testing::TempDir dir_;
  std::unique_ptr<FleetStore> store_;
};

TEST_F(FleetStoreTest, ProvisionsDeviceWithDefaultTwin) {
  Device device = Provision("gw-1", {{"ring", "test"}});
  EXPECT_EQ(device.id, "gw-1");
  EXPECT_EQ(device.site, "north");
  EXPECT_EQ(device.tags.at("ring"), "test");
  EXPECT_EQ(device.assets, (std::vector<std::string>{"P001", "P002"}));
  EXPECT_EQ(device.created_ms, kT0);
  EXPECT_FALSE(device.twin.has_reported);
  EXPECT_EQ(device.twin.acked_through, 0);
  EXPECT_TRUE(device.twin.desired.bundle_digest.empty());
  EXPECT_EQ(device.twin.desired_etag, FleetStore::DesiredEtag(api::DesiredState()));

  Result<Device> again = store_->GetDevice("gw-1");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->tags, device.tags);
}

TEST_F(FleetStoreTest, RefusesBadOrRepeatedDevices) {
  Provision("gw-1");
  EXPECT_EQ(store_->ProvisionDevice(NewDevice{"gw-1", "north", {}, {}}, kT0).status().code(),
            StatusCode::kAlreadyExists);
  Result<Device> upper = store_->ProvisionDevice(NewDevice{"GW-2", "north", {}, {}}, kT0);
  EXPECT_EQ(upper.status().code(), StatusCode::kInvalidArgument);
  Result<Device> reserved =
      store_->ProvisionDevice(NewDevice{"gw-2", "north", {{"site", "x"}}, {}}, kT0);
  EXPECT_NE(reserved.status().message().find("tag key 'site' is reserved"), std::string::npos)
      << reserved.status().ToString();
  Result<Device> twice = store_->ProvisionDevice(NewDevice{"gw-2", "north", {}, {"P1", "P1"}}, kT0);
  EXPECT_EQ(twice.status().message(), "new device 'gw-2': asset 'P1' is listed twice");
  EXPECT_EQ(store_->GetDevice("gw-2").status().code(), StatusCode::kNotFound);
}

TEST_F(FleetStoreTest, ReplayedBatchIsStoredOnce) {
  Provision("gw-1");
  SyncEffects first;
  EXPECT_EQ(MustSync(Sync("gw-1", 0, 3, {1, 2, 3}), &first).acked_through, 3);
  EXPECT_EQ(first.records_stored, 3);
  EXPECT_TRUE(first.first_sync);
  SyncEffects replay;
  EXPECT_EQ(MustSync(Sync("gw-1", 0, 3, {1, 2, 3}), &replay).acked_through, 3);
  EXPECT_EQ(replay.records_stored, 0);
  EXPECT_EQ(replay.duplicates, 3);
  EXPECT_FALSE(replay.first_sync);
  EXPECT_EQ(StoredSeqs("gw-1"), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(store_->GetDevice("gw-1")->twin.records_received, 3);
}

TEST_F(FleetStoreTest, BatchAfterAHoleIsKeptButNotAcknowledged) {
  Provision("gw-1");
  SyncEffects early;
  EXPECT_EQ(MustSync(Sync("gw-1", 3, 6, {4, 5, 6}), &early).acked_through, 0);
  EXPECT_EQ(early.records_stored, 3);
  EXPECT_EQ(store_->GetDevice("gw-1")->twin.acked_through, 0);
  // The hole is filled; the agent then resends from the acknowledgement.
  EXPECT_EQ(MustSync(Sync("gw-1", 0, 3, {1, 2, 3})).acked_through, 3);
  SyncEffects resend;
  EXPECT_EQ(MustSync(Sync("gw-1", 3, 6, {4, 5, 6}), &resend).acked_through, 6);
  EXPECT_EQ(resend.records_stored, 0);
  EXPECT_EQ(StoredSeqs("gw-1"), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(store_->GetDevice("gw-1")->twin.records_received, 6);
}

TEST_F(FleetStoreTest, QuotaGapsDoNotBlockTheAcknowledgement) {
  Provision("gw-1");
  SyncEffects effects;
  EXPECT_EQ(MustSync(Sync("gw-1", 0, 10, {1, 2, 5, 9}), &effects).acked_through, 10);
  EXPECT_EQ(effects.records_stored, 4);
  // An empty batch that covers only dropped records still advances.
  EXPECT_EQ(MustSync(Sync("gw-1", 10, 14, {})).acked_through, 14);
  EXPECT_EQ(StoredSeqs("gw-1"), (std::vector<int64_t>{1, 2, 5, 9}));
}

TEST_F(FleetStoreTest, StaleBatchNeverMovesTheAcknowledgementBack) {
  Provision("gw-1");
  EXPECT_EQ(MustSync(Sync("gw-1", 0, 8, {1, 8})).acked_through, 8);
  SyncEffects stale;
  EXPECT_EQ(MustSync(Sync("gw-1", 0, 4, {1, 2, 4}), &stale).acked_through, 8);
  // Records at or below the acknowledgement are duplicates even when never seen.
  EXPECT_EQ(stale.records_stored, 0);
  EXPECT_EQ(StoredSeqs("gw-1"), (std::vector<int64_t>{1, 8}));
}

TEST_F(FleetStoreTest, DesiredStateIsOmittedWhenTheEtagMatches) {
  Provision("gw-1");
  api::SyncResponse first = MustSync(Sync("gw-1", 0, 0, {}));
  EXPECT_TRUE(first.has_desired);
  ASSERT_FALSE(first.desired_etag.empty());
  api::SyncResponse idle = MustSync(Sync("gw-1", 0, 0, {}, first.desired_etag));
  EXPECT_FALSE(idle.has_desired);
  EXPECT_EQ(idle.desired_etag, first.desired_etag);

  api::DesiredState desired;
  desired.bundle_digest = kBundleA;
  desired.bundle_url = "/api/v1/bundles/" + kBundleA + "/download";
  desired.sync_period_s = 30;
  Result<Device> updated = store_->SetDesired("gw-1", desired, kT0 + 5);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_NE(updated->twin.desired_etag, first.desired_etag);
  EXPECT_EQ(updated->twin.desired_updated_ms, kT0 + 5);

  api::SyncResponse changed = MustSync(Sync("gw-1", 0, 0, {}, first.desired_etag));
  EXPECT_TRUE(changed.has_desired);
  EXPECT_EQ(changed.desired_etag, updated->twin.desired_etag);
  EXPECT_EQ(changed.desired.bundle_digest, kBundleA);
  EXPECT_EQ(changed.desired.sync_period_s, 30);
  EXPECT_FALSE(MustSync(Sync("gw-1", 0, 0, {}, changed.desired_etag)).has_desired);
}

TEST_F(FleetStoreTest, RefusesBadDesiredStates) {
  Provision("gw-1");
  api::DesiredState bad_digest;
  bad_digest.bundle_digest = "abc";
  EXPECT_EQ(store_->SetDesired("gw-1", bad_digest, kT0).status().code(),
            StatusCode::kInvalidArgument);
  api::DesiredState no_url;
  no_url.bundle_digest = kBundleA;
  EXPECT_EQ(store_->SetDesired("gw-1", no_url, kT0).status().code(),
            StatusCode::kInvalidArgument);
  api::DesiredState bad_period;
  bad_period.sync_period_s = 0;
  EXPECT_EQ(store_->SetDesired("gw-1", bad_period, kT0).status().code(),
            StatusCode::kInvalidArgument);
  api::DesiredState bad_k;
  bad_k.k = 5;
  bad_k.n = 3;
  EXPECT_EQ(store_->SetDesired("gw-1", bad_k, kT0).status().message(),
            "device 'gw-1': desired state: k: expected k <= n");
  EXPECT_EQ(store_->SetDesired("gw-9", api::DesiredState(), kT0).status().code(),
            StatusCode::kNotFound);
}

TEST_F(FleetStoreTest, UnknownDeviceAndBadBatchChangeNothing) {
  EXPECT_EQ(store_->ApplySync(Sync("gw-9", 0, 1, {1}), kT0).status().code(),
            StatusCode::kNotFound);
  Provision("gw-1");
  api::SyncRequest malformed = Sync("gw-1", 0, 3, {1, 2, 3});
  malformed.batch.records[1].body = "{\"asset\": 7}";
  Result<api::SyncResponse> refused = store_->ApplySync(malformed, kT0);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("record 2 (score)"), std::string::npos)
      << refused.status().ToString();
  api::SyncRequest outside = Sync("gw-1", 0, 2, {1, 2, 3});
  EXPECT_EQ(store_->ApplySync(outside, kT0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(StoredSeqs("gw-1").empty());
  Result<Device> device = store_->GetDevice("gw-1");
  EXPECT_EQ(device->twin.acked_through, 0);
  EXPECT_FALSE(device->twin.has_reported);
}

TEST_F(FleetStoreTest, KeepsReportedStateAndReportsInstallChanges) {
  Provision("gw-1");
  api::SyncRequest request = Sync("gw-1", 0, 0, {});
  request.reported.running_bundle = kBundleA;
  request.reported.last_install = {kBundleA, api::InstallOutcome::kInstalled, "", kT0 + 7};
  SyncEffects effects;
  MustSync(request, &effects, kT0 + 100);
  EXPECT_TRUE(effects.install_changed);
  EXPECT_EQ(effects.install.outcome, api::InstallOutcome::kInstalled);
  SyncEffects again;
  MustSync(request, &again, kT0 + 200);
  EXPECT_FALSE(again.install_changed);

  Result<Device> device = store_->GetDevice("gw-1");
  ASSERT_TRUE(device.ok()) << device.status().ToString();
  EXPECT_TRUE(device->twin.has_reported);
  EXPECT_EQ(device->twin.reported.running_bundle, kBundleA);
  EXPECT_EQ(device->twin.last_sync_ms, kT0 + 200);
  Result<std::map<std::string, int64_t>> outcomes = store_->CountInstallOutcomes(kBundleA);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  EXPECT_EQ(*outcomes, (std::map<std::string, int64_t>{{"installed", 1}}));
}

TEST_F(FleetStoreTest, AcknowledgedRecordsAreOnDiskWhenSyncReturns) {
  Provision("gw-1");
  EXPECT_EQ(MustSync(Sync("gw-1", 0, 2, {1, 2})).acked_through, 2);
  // A second connection, as a restarted server would open, sees the committed sync.
  Result<std::unique_ptr<FleetStore>> reopened = FleetStore::Open(DbPath());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  Result<Device> device = (*reopened)->GetDevice("gw-1");
  ASSERT_TRUE(device.ok());
  EXPECT_EQ(device->twin.acked_through, 2);
  EXPECT_EQ(device->twin.records_received, 2);
}

TEST_F(FleetStoreTest, ListsDevicesBySelectorIncludingSite) {
  Provision("gw-1", {{"ring", "test"}}, "north");
  Provision("gw-2", {{"ring", "production"}}, "north");
  Provision("gw-3", {{"ring", "production"}}, "south");
  auto ids = [&](std::string_view text) {
    std::vector<std::string> out;
    Result<std::vector<Device>> devices = store_->ListDevices(*TagSelector::Parse(text));
    EXPECT_TRUE(devices.ok()) << devices.status().ToString();
    for (const Device& d : *devices) out.push_back(d.id);
    return out;
  };
  EXPECT_EQ(ids(""), (std::vector<std::string>{"gw-1", "gw-2", "gw-3"}));
  EXPECT_EQ(ids("ring=production,site=north"), (std::vector<std::string>{"gw-2"}));
  EXPECT_EQ(ids("ring!=production"), (std::vector<std::string>{"gw-1"}));
  EXPECT_EQ(ids("id in (gw-1,gw-3)"), (std::vector<std::string>{"gw-1", "gw-3"}));

  ASSERT_TRUE(store_->SetTags("gw-3", {{"ring", "canary"}}, kT0 + 1).ok());
  EXPECT_EQ(ids("ring=canary"), (std::vector<std::string>{"gw-3"}));
  EXPECT_EQ(store_->GetDevice("gw-3")->updated_ms, kT0 + 1);
}

TEST_F(FleetStoreTest, QueriesAndCountsRecords) {
  Provision("gw-1");
  Provision("gw-2");
  api::SyncRequest one = Sync("gw-1", 0, 4, {1, 2});
  one.batch.records.push_back(AlertRecord(3, api::AlertState::kRaised, kBundleA));
  one.batch.records.push_back(AlertRecord(4, api::AlertState::kCleared, kBundleA));
  MustSync(one, nullptr, kT0 + 100);
  api::SyncRequest two = Sync("gw-2", 0, 2, {1});
  two.batch.records.push_back(AlertRecord(2, api::AlertState::kRaised, kBundleB));
  MustSync(two, nullptr, kT0 + 200);

  RecordQuery alerts;
  alerts.kind = api::RecordKind::kAlert;
  Result<std::vector<StoredRecord>> found = store_->QueryRecords(alerts);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->size(), 3u);
  // Ordered by record time: gw-2's seq 2 (kT0 + 2 s) comes before gw-1's seqs 3 and 4.
  EXPECT_EQ((*found)[0].device, "gw-2");
  EXPECT_EQ((*found)[0].seq, 2);
  EXPECT_EQ((*found)[0].asset, "P002");
  EXPECT_EQ((*found)[2].device, "gw-1");
  EXPECT_EQ((*found)[2].seq, 4);

  RecordQuery window;
  window.device = "gw-1";
  window.from_ms = kT0 + 2000;
  window.to_ms = kT0 + 4000;
  window.limit = 1;
  Result<std::vector<StoredRecord>> limited = store_->QueryRecords(window);
  ASSERT_TRUE(limited.ok()) << limited.status().ToString();
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ((*limited)[0].seq, 2);
  window.limit = 0;
  EXPECT_EQ(store_->QueryRecords(window).status().code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(*store_->CountRecords("gw-1", api::RecordKind::kScore, kT0), 2);
  EXPECT_EQ(*store_->CountRecords("gw-1", api::RecordKind::kScore, kT0 + 101), 0);
  EXPECT_EQ(*store_->CountRecordsByDevice(api::RecordKind::kAlert, kT0),
            (std::map<std::string, int64_t>{{"gw-1", 2}, {"gw-2", 1}}));
  EXPECT_EQ(*store_->CountAlertsByBundle(kT0),
            (std::map<std::string, int64_t>{{kBundleA, 1}, {kBundleB, 1}}));
  EXPECT_EQ(*store_->CountAlertsByBundle(kT0 + 150),
            (std::map<std::string, int64_t>{{kBundleB, 1}}));
}

TEST_F(FleetStoreTest, ConcurrentSyncsFromFourDevices) {
  constexpr int kDevices = 4;
  constexpr int kBatches = 40;
  constexpr int kPerBatch = 5;
  for (int d = 0; d < kDevices; ++d) Provision("gw-" + std::to_string(d));
  std::vector<std::thread> threads;
  std::vector<int> failures(kDevices, 0);
  for (int d = 0; d < kDevices; ++d) {
    threads.emplace_back([&, d] {
      const std::string id = "gw-" + std::to_string(d);
      for (int b = 0; b < kBatches; ++b) {
        std::vector<int64_t> seqs;
        for (int i = 1; i <= kPerBatch; ++i) seqs.push_back(b * kPerBatch + i);
        api::SyncRequest request = Sync(id, b * kPerBatch, (b + 1) * kPerBatch, seqs);
        // Every batch is sent twice, as after a lost response.
        for (int attempt = 0; attempt < 2; ++attempt) {
          Result<api::SyncResponse> r = store_->ApplySync(request, kT0 + b);
          if (!r.ok() || r->acked_through != (b + 1) * kPerBatch) ++failures[d];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int d = 0; d < kDevices; ++d) {
    const std::string id = "gw-" + std::to_string(d);
    EXPECT_EQ(failures[d], 0) << id;
    Result<Device> device = store_->GetDevice(id);
    ASSERT_TRUE(device.ok());
    EXPECT_EQ(device->twin.acked_through, kBatches * kPerBatch) << id;
    EXPECT_EQ(device->twin.records_received, kBatches * kPerBatch) << id;
    EXPECT_EQ(*store_->CountRecords(id, api::RecordKind::kScore, 0), kBatches * kPerBatch) << id;
  }
}

}  // namespace
}  // namespace edgeloop::rollout
