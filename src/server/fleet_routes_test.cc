#include "server/fleet_routes.h"

#include <mutex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/sync.h"
#include "net/http_router.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::server {
namespace {

using nlohmann::json;

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
const std::string kBundle(64, 'c');

// RestRoutes over a plain HttpRouter: every request runs as `principal`, with no token check.
class TestRoutes final : public RestRoutes {
 public:
  Status Add(std::string_view method, std::string_view pattern, Access,
             RestHandler handler) override {
    return router_.Add(method, pattern, [this, handler](const net::HttpRequest& request) {
      return handler(request, principal);
    });
  }

  net::HttpResponse Call(const std::string& method, const std::string& path,
                         const std::string& body = "",
                         std::map<std::string, std::string> query = {}) {
    net::HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    request.query = std::move(query);
    return router_.Dispatch(request);
  }

  Principal principal{Role::kAdmin, "tok-admin", "alice", ""};

 private:
  net::HttpRouter router_;
};

struct AuditRow {
  std::string token_id;
  std::string action;
  std::string target;
  std::string detail;
};

class MemoryAuditLog final : public AuditLog {
 public:
  Status Record(const Principal& principal, std::string_view action, std::string_view target,
                std::string_view detail_json) override {
    std::lock_guard<std::mutex> lock(mu_);
    rows_.push_back({principal.token_id, std::string(action), std::string(target),
                     std::string(detail_json)});
    return Status::Ok();
  }
  std::vector<AuditRow> rows() {
    std::lock_guard<std::mutex> lock(mu_);
    return rows_;
  }

 private:
  std::mutex mu_;
  std::vector<AuditRow> rows_;
};

json Body(const net::HttpResponse& response) {
  json body = json::parse(response.body, nullptr, false);
  EXPECT_FALSE(body.is_discarded()) << response.body;
  return body;
}

std::string ErrorMessage(const net::HttpResponse& response) {
  json body = Body(response);
  return body.contains("error") ? body["error"].value("message", "") : "";
}

class FleetRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<rollout::FleetStore>> opened =
        rollout::FleetStore::Open(dir_.Join("edgeloop.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    context_ = std::make_unique<FleetContext>(FleetContext{
        *store_, audit_, clock_,
        [this](const std::string& digest) { return bundles_.count(digest) > 0; },
        [](const std::string& id) -> Result<std::string> { return "elt_tok-" + id + "_secret"; },
        nullptr});
    ASSERT_TRUE(AddFleetRoutes(routes_, *context_).ok());
  }

  net::HttpResponse ProvisionGw1() {
    return routes_.Call("POST", "/api/v1/devices",
                        R"({"id": "gw-1", "site": "north", "tags": {"ring": "test"},
                            "assets": ["P002", "P001"]})");
  }

  api::SyncRequest SyncOf(const std::string& device, const std::string& etag = "") {
    api::SyncRequest request;
    request.device_id = device;
    request.desired_etag = etag;
    request.batch.after_seq = 0;
    request.batch.through_seq = 1;
    api::ScoreRecord score;
    score.asset = "P001";
    score.window_end_ms = kT0;
    score.score = 0.4;
    score.threshold = 0.5;
    score.bundle_digest = kBundle;
    request.batch.records.push_back({1, api::RecordKind::kScore, kT0, api::ToJson(score)});
    return request;
  }

  net::HttpResponse PostSync(const std::string& path_id, const api::SyncRequest& request) {
    return routes_.Call("POST", "/api/v1/devices/" + path_id + "/sync", api::ToJson(request));
  }

  store::testing::TempDir dir_;
  SimulatedClock clock_{kT0};
  MemoryAuditLog audit_;
  std::set<std::string> bundles_;
  std::unique_ptr<rollout::FleetStore> store_;
  std::unique_ptr<FleetContext> context_;
  TestRoutes routes_;
};

TEST_F(FleetRoutesTest, ProvisionAnswers201WithDeviceAndTokenOnce) {
  net::HttpResponse created = ProvisionGw1();
  ASSERT_EQ(created.status, 201) << created.body;
  json body = Body(created);
  EXPECT_EQ(body["token"], "elt_tok-gw-1_secret");
  EXPECT_EQ(body["device"]["id"], "gw-1");
  EXPECT_EQ(body["device"]["assets"], json({"P001", "P002"}));
  EXPECT_EQ(body["device"]["tags"]["ring"], "test");
  EXPECT_TRUE(body["device"]["twin"]["reported"].is_null());
  ASSERT_EQ(audit_.rows().size(), 1u);
  EXPECT_EQ(audit_.rows()[0].action, "device.provision");
  EXPECT_EQ(audit_.rows()[0].target, "device/gw-1");
  EXPECT_EQ(audit_.rows()[0].token_id, "tok-admin");

  net::HttpResponse again = ProvisionGw1();
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(ErrorMessage(again), "device 'gw-1' is already provisioned");
  EXPECT_EQ(audit_.rows().size(), 1u);
}

TEST_F(FleetRoutesTest, ProvisionRefusesBadBodies) {
  net::HttpResponse unknown =
      routes_.Call("POST", "/api/v1/devices", R"({"id": "gw-1", "site": "n", "color": "red"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(ErrorMessage(unknown).find("color"), std::string::npos) << unknown.body;
  net::HttpResponse bad_id =
      routes_.Call("POST", "/api/v1/devices", R"({"id": "GW 1", "site": "north"})");
  EXPECT_EQ(bad_id.status, 400);
  EXPECT_NE(ErrorMessage(bad_id).find("device id 'GW 1'"), std::string::npos) << bad_id.body;
  net::HttpResponse bad_tag = routes_.Call("POST", "/api/v1/devices",
                                           R"({"id": "gw-1", "site": "north", "tags": {"a": 1}})");
  EXPECT_EQ(bad_tag.status, 400);
  EXPECT_TRUE(audit_.rows().empty());
}

TEST_F(FleetRoutesTest, ListsDevicesBySelector) {
  ASSERT_EQ(ProvisionGw1().status, 201);
  ASSERT_EQ(routes_.Call("POST", "/api/v1/devices", R"({"id": "gw-2", "site": "south"})").status,
            201);
  json all = Body(routes_.Call("GET", "/api/v1/devices"));
  ASSERT_EQ(all["devices"].size(), 2u);
  json north = Body(routes_.Call("GET", "/api/v1/devices", "", {{"selector", "site=north"}}));
  ASSERT_EQ(north["devices"].size(), 1u);
  EXPECT_EQ(north["devices"][0]["id"], "gw-1");

  net::HttpResponse bad = routes_.Call("GET", "/api/v1/devices", "", {{"selector", "ring=,x"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(ErrorMessage(bad).find("at character 6"), std::string::npos) << bad.body;
}

TEST_F(FleetRoutesTest, GetShowsDeviceAndTwinOr404) {
  ASSERT_EQ(ProvisionGw1().status, 201);
  net::HttpResponse found = routes_.Call("GET", "/api/v1/devices/gw-1");
  ASSERT_EQ(found.status, 200) << found.body;
  json body = Body(found);
  EXPECT_EQ(body["site"], "north");
  EXPECT_EQ(body["twin"]["acked_through"], 0);
  EXPECT_EQ(body["twin"]["desired_etag"], rollout::FleetStore::DesiredEtag(api::DesiredState()));
  EXPECT_EQ(routes_.Call("GET", "/api/v1/devices/gw-9").status, 404);
}

TEST_F(FleetRoutesTest, PutTagsReplacesThemAndAudits) {
  ASSERT_EQ(ProvisionGw1().status, 201);
  net::HttpResponse put =
      routes_.Call("PUT", "/api/v1/devices/gw-1/tags", R"({"tags": {"ring": "canary"}})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Body(put)["tags"], json({{"ring", "canary"}}));
  ASSERT_EQ(audit_.rows().size(), 2u);
  EXPECT_EQ(audit_.rows()[1].action, "device.tags");
  EXPECT_EQ(json::parse(audit_.rows()[1].detail)["previous"]["ring"], "test");
  EXPECT_EQ(routes_.Call("PUT", "/api/v1/devices/gw-1/tags", R"({"tags": {"id": "x"}})").status,
            400);
  EXPECT_EQ(routes_.Call("PUT", "/api/v1/devices/gw-9/tags", R"({"tags": {}})").status, 404);
}

TEST_F(FleetRoutesTest, PutDesiredNeedsABundleTheServerHolds) {
  ASSERT_EQ(ProvisionGw1().status, 201);
  api::DesiredState desired;
  desired.bundle_digest = kBundle;
  net::HttpResponse missing =
      routes_.Call("PUT", "/api/v1/devices/gw-1/desired", api::ToJson(desired));
  EXPECT_EQ(missing.status, 409);
  EXPECT_NE(ErrorMessage(missing).find("is not on this server"), std::string::npos);

  bundles_.insert(kBundle);
  net::HttpResponse put = routes_.Call("PUT", "/api/v1/devices/gw-1/desired", api::ToJson(desired));
  ASSERT_EQ(put.status, 200) << put.body;
  json twin = Body(put)["twin"];
  EXPECT_EQ(twin["desired"]["bundle_digest"], kBundle);
  EXPECT_EQ(twin["desired"]["bundle_url"], BundleDownloadPath(kBundle));
  ASSERT_EQ(audit_.rows().size(), 2u);
  EXPECT_EQ(audit_.rows()[1].action, "device.desired");
  EXPECT_EQ(json::parse(audit_.rows()[1].detail)["etag"], twin["desired_etag"]);

  EXPECT_EQ(routes_.Call("PUT", "/api/v1/devices/gw-1/desired", "{\"k\": 0}").status, 400);
}

TEST_F(FleetRoutesTest, SyncAcknowledgesAndOmitsUnchangedDesiredState) {
  ASSERT_EQ(ProvisionGw1().status, 201);
  routes_.principal = Principal{Role::kDevice, "tok-gw-1", "gw-1", "gw-1"};
  net::HttpResponse first = PostSync("gw-1", SyncOf("gw-1"));
  ASSERT_EQ(first.status, 200) << first.body;
  Result<api::SyncResponse> response = api::ParseSyncResponse(first.body);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->acked_through, 1);
  EXPECT_TRUE(response->has_desired);

  net::HttpResponse idle = PostSync("gw-1", SyncOf("gw-1", response->desired_etag));
  ASSERT_EQ(idle.status, 200) << idle.body;
  Result<api::SyncResponse> idle_response = api::ParseSyncResponse(idle.body);
  ASSERT_TRUE(idle_response.ok()) << idle_response.status().ToString();
  EXPECT_FALSE(idle_response->has_desired);
  EXPECT_EQ(Body(routes_.Call("GET", "/api/v1/devices/gw-1"))["twin"]["records_received"], 1);
  EXPECT_EQ(audit_.rows().size(), 1u);  // syncs are not audited by themselves
}

TEST_F(FleetRoutesTest, SyncOfAnotherDeviceIs403) {
  ASSERT_EQ(ProvisionGw1().status, 201);
  ASSERT_EQ(routes_.Call("POST", "/api/v1/devices", R"({"id": "gw-2", "site": "south"})").status,
            201);
  routes_.principal = Principal{Role::kDevice, "tok-gw-1", "gw-1", "gw-1"};
  net::HttpResponse refused = PostSync("gw-1", SyncOf("gw-2"));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(ErrorMessage(refused),
            "POST /api/v1/devices/gw-1/sync: the body is a sync of device 'gw-2', not of 'gw-1'");
  EXPECT_EQ(Body(routes_.Call("GET", "/api/v1/devices/gw-2"))["twin"]["acked_through"], 0);
}

TEST_F(FleetRoutesTest, SyncWithBadBodyIs400AndUnknownDeviceIs404) {
  net::HttpResponse bad = routes_.Call("POST", "/api/v1/devices/gw-1/sync", "{\"device_id\": 3}");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(ErrorMessage(bad).find("POST /api/v1/devices/gw-1/sync: "), std::string::npos)
      << bad.body;
  EXPECT_EQ(PostSync("gw-1", SyncOf("gw-1")).status, 404);
}

TEST_F(FleetRoutesTest, SyncAuditsANewInstallOutcomeOnce) {
  ASSERT_EQ(ProvisionGw1().status, 201);
  routes_.principal = Principal{Role::kDevice, "tok-gw-1", "gw-1", "gw-1"};
  api::SyncRequest request = SyncOf("gw-1");
  request.reported.last_install = {kBundle, api::InstallOutcome::kRejected, "golden output 3",
                                   kT0};
  ASSERT_EQ(PostSync("gw-1", request).status, 200);
  ASSERT_EQ(PostSync("gw-1", request).status, 200);
  std::vector<AuditRow> rows = audit_.rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].action, "device.install");
  EXPECT_EQ(rows[1].token_id, "tok-gw-1");
  json detail = json::parse(rows[1].detail);
  EXPECT_EQ(detail["outcome"], "rejected");
  EXPECT_EQ(detail["message"], "golden output 3");
}

TEST_F(FleetRoutesTest, RecordsAreListedWithFilters) {
  ASSERT_EQ(ProvisionGw1().status, 201);
  ASSERT_EQ(PostSync("gw-1", SyncOf("gw-1")).status, 200);
  net::HttpResponse scores =
      routes_.Call("GET", "/api/v1/devices/gw-1/records", "", {{"kind", "score"}});
  ASSERT_EQ(scores.status, 200) << scores.body;
  json records = Body(scores)["records"];
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["seq"], 1);
  EXPECT_EQ(records[0]["body"]["asset"], "P001");
  EXPECT_EQ(records[0]["time"], "2026-01-01T00:00:00Z");

  json none = Body(routes_.Call("GET", "/api/v1/devices/gw-1/records", "",
                                {{"kind", "alert"}, {"from", "2025-12-31T00:00:00Z"}}));
  EXPECT_TRUE(none["records"].empty());
  EXPECT_EQ(routes_.Call("GET", "/api/v1/devices/gw-1/records", "", {{"kind", "x"}}).status, 400);
  EXPECT_EQ(routes_.Call("GET", "/api/v1/devices/gw-1/records", "", {{"limit", "0"}}).status, 400);
  EXPECT_EQ(routes_.Call("GET", "/api/v1/devices/gw-9/records").status, 404);
}

}  // namespace
}  // namespace edgeloop::server
