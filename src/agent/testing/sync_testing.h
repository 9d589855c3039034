// Test support for the sync client: FakeServer, the server's side of the sync protocol in memory,
// and SyncClientTest, a fixture with an outbox, a bundle manager and a sync client wired to it.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent/sync_client.h"
#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include "agent/agent_config.h"
#include "agent/edge_agent.h"
#include "agent/testing/agent_testing.h"
#include "api/records.h"
#include "api/sync.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "base/log.h"
#include "base/random.h"
#include "base/sha256.h"
#include "io/csv_replay_source.h"
#include "net/http_types.h"

namespace edgeloop::agent {

using ::testing::HasSubstr;
using testing::TempDir;

inline constexpr char kDevice[] = "gw-1";
inline constexpr char kSyncPath[] = "/api/v1/devices/gw-1/sync";
inline constexpr int64_t kPeriodMs = 60'000;

inline std::string BundleUrl(const std::string& digest) {
  return "/api/v1/bundles/" + digest + "/download";
}

// The server's side of the sync protocol (api/sync.h) in memory: it stores records above its
// acknowledgement once, advances the acknowledgement to through_seq only when after_seq is at or
// below it, answers the desired state unless the ETag matches, and serves bundle bytes honouring
// `Range: bytes=N-` (206, at most `chunk` bytes per answer). Faults are scripted.
class FakeServer final : public net::HttpClient {
 public:
  Result<net::HttpResponse> Send(const net::HttpRequest& request) override {
    if (request.method == "POST" && request.path == kSyncPath) return Sync(request);
    if (request.method == "GET" && bundles.count(request.path) != 0) return Download(request);
    return net::ErrorResponse(404, "no route for " + request.method + " " + request.path);
  }

  // What the server does with one request, and its answer.
  api::SyncResponse Apply(const api::SyncRequest& request) {
    for (const api::SyncRecord& r : request.batch.records) {
      auto it = stored.find(r.seq);
      if (r.seq <= acked || it != stored.end()) {
        ++duplicates;
        if (it != stored.end() && (it->second.body != r.body || it->second.kind != r.kind))
          ++conflicts;
        continue;
      }
      stored.emplace(r.seq, r);
    }
    if (request.batch.after_seq <= acked) acked = std::max(acked, request.batch.through_seq);
    api::SyncResponse response;
    response.acked_through = lie_acked >= 0 ? lie_acked : acked;
    response.desired_etag = etag;
    response.has_desired = request.desired_etag != etag;
    if (response.has_desired) response.desired = desired;
    return response;
  }

  void SetDesired(const std::string& digest, bool allow_older = false, int64_t period_s = 60) {
    desired = api::DesiredState{};
    desired.bundle_digest = digest;
    desired.bundle_url = digest.empty() ? "" : BundleUrl(digest);
    desired.allow_older = allow_older;
    desired.sync_period_s = period_s;
    etag = "\"d" + std::to_string(++generation) + "\"";
  }
  // Serves `bytes` under their digest; returns it.
  std::string Serve(const std::string& bytes) {
    const std::string digest = Sha256Hex(bytes);
    bundles[BundleUrl(digest)] = bytes;
    return digest;
  }
  void LoseEverything() {
    stored.clear();
    acked = 0;
  }

  // Server state.
  std::map<int64_t, api::SyncRecord> stored;
  int64_t acked = 0;
  api::DesiredState desired;
  std::string etag = "\"d0\"";
  int generation = 0;
  std::map<std::string, std::string> bundles;  // url -> bytes
  // Scripted faults.
  int refuse = 0;          // the next N calls cannot connect
  int drop_answers = 0;    // the next N syncs are stored, then their answers are lost
  int fail_status = 0;     // the next sync is answered with this status, nothing stored
  int64_t lie_acked = -1;  // answer this acknowledgement whatever the server holds
  size_t chunk = std::numeric_limits<size_t>::max();
  // What was seen.
  std::vector<api::SyncRequest> requests;
  std::vector<std::string> download_ranges;
  int duplicates = 0;
  int conflicts = 0;

 private:
  Result<net::HttpResponse> Sync(const net::HttpRequest& http) {
    if (refuse > 0) {
      --refuse;
      return Unavailable(std::string("POST ") + kSyncPath + ": cannot connect to the server");
    }
    if (fail_status != 0) {
      const int status = fail_status;
      fail_status = 0;
      return net::ErrorResponse(status, "the server is restarting");
    }
    EXPECT_EQ(net::HeaderValue(http, "content-type"), "application/json");
    Result<api::SyncRequest> request = api::ParseSyncRequest(http.body);
    EXPECT_TRUE(request.ok()) << request.status().ToString();
    if (!request.ok()) return net::ErrorResponse(400, request.status().message());
    EXPECT_EQ(request->device_id, kDevice);
    requests.push_back(*request);
    const api::SyncResponse response = Apply(*request);
    if (drop_answers > 0) {
      --drop_answers;
      return net::DeadlineExceeded(std::string("POST ") + kSyncPath + ": no complete response");
    }
    return net::JsonResponse(200, api::ToJson(response));
  }

  Result<net::HttpResponse> Download(const net::HttpRequest& http) {
    if (refuse > 0) {
      --refuse;
      return Unavailable("GET " + http.path + ": cannot connect to the server");
    }
    const std::string& bytes = bundles.at(http.path);
    const std::string range = net::HeaderValue(http, "range");
    download_ranges.push_back(range);
    size_t from = 0;
    if (!range.empty()) from = std::stoul(range.substr(std::string("bytes=").size()));
    net::HttpResponse r;
    r.content_type = "application/octet-stream";
    if (from > 0 && from >= bytes.size()) {
      r.status = 416;
      r.headers["content-range"] = "bytes */" + std::to_string(bytes.size());
      return r;
    }
    const size_t to = std::min(bytes.size(), from + std::min(chunk, bytes.size()));
    r.body = bytes.substr(from, to - from);
    if (from == 0 && to == bytes.size()) {
      r.status = 200;
      return r;
    }
    r.status = 206;
    r.headers["content-range"] = "bytes " + std::to_string(from) + "-" + std::to_string(to - 1) +
                                 "/" + std::to_string(bytes.size());
    return r;
  }
};

class SyncClientTest : public ::testing::Test {
 protected:
  SyncClientTest()
      : clock_(testing::kStartMs),
        random_(42),
        log_(LogLevel::kOff),
        bundles_(fs_, dir_.path(), testing::TrustedKeys(), clock_) {
    Reopen();
  }

  void Reopen(int64_t quota_bytes = 256LL << 20) {
    outbox_.reset();
    Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(dir_.File("outbox.db"), {quota_bytes});
    EXPECT_TRUE(outbox.ok()) << outbox.status().ToString();
    if (outbox.ok()) outbox_ = std::move(outbox).value();
  }

  SyncClientOptions Options(size_t batch_records = 10) const {
    SyncClientOptions o;
    o.device_id = kDevice;
    o.agent_version = "0.1.0-test";
    o.period_ms = kPeriodMs;
    o.batch_records = batch_records;
    o.state_path = dir_.File("sync.json");
    return o;
  }

  std::unique_ptr<SyncClient> NewClient(size_t batch_records = 10) {
    auto client = std::make_unique<SyncClient>(Options(batch_records), fs_, *outbox_, bundles_,
                                               server_, random_, log_);
    client->Load();
    return client;
  }

  // Appends `n` records of `kind` in one transaction, remembering their bodies by seq.
  void Append(int n, api::RecordKind kind = api::RecordKind::kScore) {
    std::vector<OutboxEntry> entries;
    for (int i = 0; i < n; ++i) {
      api::ScoreRecord s{
          "P001", next_window_ms_,      0.01 * static_cast<double>(next_window_ms_ % 997),
          0.5,    std::string(64, 'a'), 1};
      entries.push_back({kind, "P001", next_window_ms_, api::ToJson(s)});
      next_window_ms_ += testing::kHourMs;
    }
    Result<int64_t> last = outbox_->Append(entries, {{"P001", next_window_ms_}});
    ASSERT_TRUE(last.ok()) << last.status().ToString();
    for (int i = 0; i < n; ++i) written_[*last - n + 1 + i] = entries[static_cast<size_t>(i)].body;
  }

  // Syncs while the client is due, a second apart; returns how many syncs ran.
  int SyncWhileDue(SyncClient& client, int limit = 100) {
    int syncs = 0;
    while (syncs < limit && client.Due(clock_.NowMillis())) {
      (void)client.SyncOnce(clock_.NowMillis());
      ++syncs;
      clock_.Advance(1000);
    }
    return syncs;
  }

  // To the client's next sync, and at least a second on.
  void AdvanceTo(const SyncClient& client) {
    clock_.Set(std::max(clock_.NowMillis() + 1000, client.next_due_ms()));
  }

  OutboxStats Stats() {
    Result<OutboxStats> s = outbox_->Stats();
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : OutboxStats{};
  }

  // The server holds exactly the records in `expected` (seq -> body), each once.
  void ExpectServerHolds(const std::map<int64_t, std::string>& expected) {
    EXPECT_EQ(server_.conflicts, 0);
    ASSERT_EQ(server_.stored.size(), expected.size());
    for (const auto& [seq, body] : expected) {
      auto it = server_.stored.find(seq);
      ASSERT_NE(it, server_.stored.end()) << "record " << seq << " never reached the server";
      EXPECT_EQ(it->second.body, body) << seq;
    }
  }

  std::string InstallLocally(int64_t version, bool pass_probation = true) {
    Result<std::string> bytes = testing::BuildTestBundle(version);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    Result<InstallOutcome> out = bundles_.Install(*bytes);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    if (!out.ok()) return "";
    if (pass_probation) {
      EXPECT_TRUE(bundles_.PassProbation(out->digest).ok());
    }
    return out->digest;
  }

  std::string ServeVersion(int64_t version, uint64_t key_seed = testing::kKeySeed) {
    Result<std::string> bytes = testing::BuildTestBundle(version, key_seed);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    return bytes.ok() ? server_.Serve(*bytes) : "";
  }

  BundleState State() {
    Result<BundleState> s = bundles_.ReadState();
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : BundleState{};
  }

  TempDir dir_;
  PosixFileSystem fs_;
  SimulatedClock clock_;
  Random random_;
  Logger log_;
  BundleManager bundles_;
  FakeServer server_;
  std::unique_ptr<Outbox> outbox_;
  std::map<int64_t, std::string> written_;
  int64_t next_window_ms_ = testing::kStartMs;
};

}  // namespace edgeloop::agent
