#include "server/event_routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/testing/test_server.h"

namespace edgeloop::server {
namespace {

using nlohmann::json;
using testing::Show;
using testing::TestServer;

class EventRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = TestServer::Start();
    ASSERT_NE(server_, nullptr);
    operator_ = server_->Token(Role::kOperator, "field crew");
  }

  json Events(const std::map<std::string, std::string>& query = {}) {
    auto r = server_->Get("/api/v1/events", operator_, query);
    EXPECT_EQ(r.status, 200) << Show(r);
    return json::parse(r.body)["events"];
  }

  json AuditEntries() {
    auto r = server_->Get("/api/v1/audit", server_->admin_token(), {{"after", "1"}});
    EXPECT_EQ(r.status, 200) << Show(r);
    return json::parse(r.body)["entries"];
  }

  std::unique_ptr<TestServer> server_;
  std::string operator_;
};

constexpr char kTwoEvents[] =
    R"([{"time": "2026-01-03T04:00:00Z", "asset": "P003", "kind": "failure",
         "failure_mode": "bearing_wear"},
        {"time": 1767225600000, "asset": "P001", "kind": "maintenance"}])";

TEST_F(EventRoutesTest, RecordsEventsOnceAndAuditsTheChange) {
  auto first = server_->Send("POST", "/api/v1/events", operator_, kTwoEvents);
  ASSERT_EQ(first.status, 201) << Show(first);
  EXPECT_EQ(json::parse(first.body), json({{"added", 2}, {"duplicates", 0}}));
  auto again = server_->Send("POST", "/api/v1/events", operator_, kTwoEvents);
  ASSERT_EQ(again.status, 200) << Show(again);
  EXPECT_EQ(json::parse(again.body), json({{"added", 0}, {"duplicates", 2}}));

  json events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["asset"], "P001");  // by time
  EXPECT_EQ(events[0]["kind"], "maintenance");
  EXPECT_TRUE(events[0]["failure_mode"].is_null());
  EXPECT_EQ(events[1]["time"], "2026-01-03T04:00:00Z");
  EXPECT_EQ(events[1]["failure_mode"], "bearing_wear");

  json entries = AuditEntries();
  ASSERT_EQ(entries.size(), 1u) << entries.dump();
  EXPECT_EQ(entries[0]["action"], "events.record");
  EXPECT_EQ(entries[0]["name"], "field crew");
  EXPECT_EQ(entries[0]["detail"]["added"], 2);
}

TEST_F(EventRoutesTest, FiltersByAssetAndTime) {
  ASSERT_EQ(server_->Send("POST", "/api/v1/events", operator_, kTwoEvents).status, 201);
  EXPECT_EQ(Events({{"asset", "P003"}}).size(), 1u);
  EXPECT_EQ(Events({{"from", "2026-01-02"}}).size(), 1u);
  EXPECT_EQ(Events({{"to", "2026-01-02"}}).size(), 1u);
  EXPECT_EQ(Events({{"from", "2026-01-01"}, {"to", "2026-01-01T00:00:00Z"}}).size(), 0u);
  EXPECT_EQ(Events({{"limit", "1"}}).size(), 1u);
  EXPECT_EQ(server_->Get("/api/v1/events", operator_, {{"from", "yesterday"}}).status, 400);
  EXPECT_EQ(server_->Get("/api/v1/events", operator_, {{"site", "north"}}).status, 400);
}

TEST_F(EventRoutesTest, ImportsTheCsvThatDataImportReads) {
  const std::string csv =
      "time,asset,kind,failure_mode\n"
      "2026-01-05T00:00:00Z,P002,failure,\n"
      "2026-01-06T00:00:00Z,P002,repair,\n";
  auto r = server_->Send("POST", "/api/v1/events/import", operator_, csv,
                         {{"content-type", "text/csv"}});
  ASSERT_EQ(r.status, 201) << Show(r);
  json events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["failure_mode"], "unknown");
  EXPECT_EQ(events[1]["kind"], "repair");

  auto bad = server_->Send("POST", "/api/v1/events/import", operator_,
                           "time,asset,kind,failure_mode\n2026-01-07,P002,exploded,\n");
  EXPECT_EQ(bad.status, 400) << Show(bad);
  EXPECT_NE(bad.body.find(":2: unknown event kind 'exploded'"), std::string::npos) << bad.body;
  EXPECT_EQ(Events().size(), 2u);
  EXPECT_EQ(AuditEntries()[0]["action"], "events.import");
}

TEST_F(EventRoutesTest, OneBadEventStoresNone) {
  struct Case {
    std::string body;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {R"([{"time": "2026-01-01", "asset": "P1", "kind": "failure"}, {"time": "2026-01-02", "asset": "P1", "kind": "meltdown"}])",
            "[1].kind"},
           {R"([{"time": "2026-01-01", "asset": "P1", "kind": "failure", "severity": 3}])",
            "severity"},
           {R"([{"time": true, "asset": "P1", "kind": "failure"}])", "[0].time"},
           {R"([{"time": "2026-01-01", "asset": 7, "kind": "failure"}])", "[0].asset: expected a string"},
           {R"([{"time": "2026-01-01", "asset": "bad asset", "kind": "failure"}])", "bad asset"},
           {R"({"time": "2026-01-01"})", "expected a JSON array"},
           {R"([])", "at least one event"},
           {R"([{"time": )", "not valid JSON"}}) {
    auto r = server_->Send("POST", "/api/v1/events", operator_, c.body);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << Show(r);
    EXPECT_NE(r.body.find(c.says), std::string::npos) << c.body << " -> " << r.body;
  }
  EXPECT_TRUE(Events().empty());
  EXPECT_TRUE(AuditEntries().empty());
}

TEST_F(EventRoutesTest, DevicesMayNotRecordEvents) {
  const std::string device = server_->Token(Role::kDevice, "gw", "pump-gw-1");
  EXPECT_EQ(server_->Send("POST", "/api/v1/events", device, kTwoEvents).status, 403);
  EXPECT_EQ(server_->Send("POST", "/api/v1/events", "", kTwoEvents).status, 401);
  EXPECT_TRUE(Events().empty());
}

}  // namespace
}  // namespace edgeloop::server
