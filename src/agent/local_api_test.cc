#include "agent/local_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "agent/edge_agent.h"
#include "agent/offline_scoring.h"
#include "agent/testing/agent_testing.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "base/log.h"
#include "net/http_client.h"
#include "net/httplib_client.h"
#include "net/httplib_server.h"

namespace edgeloop::agent {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;
using testing::TempDir;

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// One connection per request, so stopping the server never waits for an idle keep-alive.
net::HttpClientOptions ClientOptions() {
  net::HttpClientOptions options;
  options.keep_alive = false;
  return options;
}

class LocalApiTest : public ::testing::Test {
 protected:
  LocalApiTest()
      : clock_(testing::kStartMs),
        log_(LogLevel::kOff),
        bundles_(fs_, dir_.path(), testing::TrustedKeys(), clock_) {}

  void SetUp() override {
    Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(dir_.File("outbox.db"), {});
    ASSERT_TRUE(outbox.ok()) << outbox.status().ToString();
    outbox_ = std::move(outbox).value();
    EdgeAgentOptions options;
    options.device_id = "gw-api";
    agent_ = std::make_unique<EdgeAgent>(options, clock_, *outbox_, bundles_, log_);
    ASSERT_TRUE(agent_->Start().ok());
    server_ = net::NewHttplibServer();
    ASSERT_TRUE(AddLocalApi(*server_, *agent_).ok());
    Result<int> port = server_->Listen("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    Result<std::unique_ptr<net::HttpClient>> client =
        net::NewHttplibClient("http://127.0.0.1:" + std::to_string(*port), ClientOptions());
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::move(client).value();
  }

  void TearDown() override {
    if (server_) server_->Stop();
  }

  // Installs v3 and lets the agent pick it up (one turn of its loop).
  std::shared_ptr<const ActiveModel> InstallModel() {
    Result<std::string> bytes = testing::BuildTestBundle(3);
    EXPECT_TRUE(bytes.ok());
    if (!bytes.ok()) return nullptr;
    EXPECT_TRUE(bundles_.Install(*bytes).ok());
    Result<std::optional<int64_t>> turn = agent_->RunOnce();
    EXPECT_TRUE(turn.ok()) << turn.status().ToString();
    Result<std::shared_ptr<const ActiveModel>> model = testing::LoadTestModel(*bytes);
    EXPECT_TRUE(model.ok());
    return model.ok() ? *model : nullptr;
  }

  net::HttpResponse Get(const std::string& path) {
    net::HttpRequest request;
    request.method = "GET";
    request.path = path;
    Result<net::HttpResponse> r = client_->Send(request);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : net::HttpResponse{0, "", {}, ""};
  }

  net::HttpResponse Post(const std::string& path, const std::string& body) {
    net::HttpRequest request;
    request.method = "POST";
    request.path = path;
    request.headers["content-type"] = "application/json";
    request.body = body;
    Result<net::HttpResponse> r = client_->Send(request);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : net::HttpResponse{0, "", {}, ""};
  }

  static json Json(const net::HttpResponse& r) {
    json doc = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(doc.is_discarded()) << r.body;
    return doc;
  }

  TempDir dir_;
  PosixFileSystem fs_;
  SimulatedClock clock_;
  Logger log_;
  BundleManager bundles_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<EdgeAgent> agent_;
  std::unique_ptr<net::HttpServer> server_;
  std::unique_ptr<net::HttpClient> client_;
};

TEST_F(LocalApiTest, HealthzIs503BeforeABundleAnd200After) {
  net::HttpResponse before = Get("/healthz");
  EXPECT_EQ(before.status, 503);
  json b = Json(before);
  EXPECT_EQ(b["status"], "no_model");
  EXPECT_EQ(b["device"], "gw-api");
  EXPECT_TRUE(b["bundle"].is_null());

  std::shared_ptr<const ActiveModel> model = InstallModel();
  ASSERT_NE(model, nullptr);
  net::HttpResponse after = Get("/healthz");
  EXPECT_EQ(after.status, 200) << after.body;
  json a = Json(after);
  EXPECT_EQ(a["status"], "ok");
  EXPECT_EQ(a["bundle"]["name"], "pump-failure");
  EXPECT_EQ(a["bundle"]["version"], 3);
  EXPECT_EQ(a["bundle"]["digest"], model->digest);
  EXPECT_EQ(a["bundle"]["probation"], true);
  EXPECT_TRUE(a["outbox"].contains("pending"));
}

TEST_F(LocalApiTest, MetricsExposeCountersAndTheBundle) {
  net::HttpResponse before = Get("/metrics");
  EXPECT_EQ(before.status, 200);
  EXPECT_THAT(before.body, HasSubstr("# TYPE edgeloop_agent_scores_total counter\n"));
  EXPECT_THAT(before.body, HasSubstr("edgeloop_agent_scores_total 0\n"));
  EXPECT_THAT(before.body, Not(HasSubstr("bundle_info")));

  std::shared_ptr<const ActiveModel> model = InstallModel();
  ASSERT_NE(model, nullptr);
  net::HttpResponse after = Get("/metrics");
  EXPECT_EQ(after.status, 200);
  EXPECT_THAT(after.content_type, HasSubstr("text/plain"));
  EXPECT_THAT(after.body, HasSubstr("edgeloop_agent_scores_total"));
  EXPECT_THAT(after.body, HasSubstr("edgeloop_agent_bundle_info{name=\"pump-failure\",version=\"3\",digest=\"" +
                                    model->digest + "\"} 1\n"));
  EXPECT_THAT(after.body, HasSubstr("edgeloop_agent_outbox_pending_records{kind=\"alert\"} 0\n"));
  EXPECT_THAT(after.body, HasSubstr("edgeloop_agent_bundle_probation 1\n"));
}

TEST_F(LocalApiTest, ScoreIs503WithoutABundle) {
  net::HttpResponse r = Post("/v1/score", R"({"rows":[{"features":{"bearing_temp__mean":60}}]})");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_THAT(r.body, HasSubstr("no bundle"));
}

TEST_F(LocalApiTest, ScoreRowsEqualsTheScorer) {
  std::shared_ptr<const ActiveModel> model = InstallModel();
  ASSERT_NE(model, nullptr);
  net::HttpResponse r = Post(
      "/v1/score",
      R"({"rows":[{"asset":"P001","features":{"bearing_temp__mean":60,"bearing_temp__max":95}},)"
      R"({"features":{"bearing_temp__mean":10.5,"bearing_temp__max":null}},)"
      R"({"features":{"bearing_temp__max":70}}],"explain":true,"top":1})");
  ASSERT_EQ(r.status, 200) << r.body;
  json doc = Json(r);
  EXPECT_EQ(doc["bundle"]["digest"], model->digest);
  EXPECT_EQ(doc["bundle"]["version"], 3);
  EXPECT_EQ(doc["threshold"].get<double>(), 0.62);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::vector<double>> rows = {{60, 95}, {10.5, nan}, {nan, 70}};
  ASSERT_EQ(doc["results"].size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const double expected = model->scorer->Score(rows[i].data());
    const json& result = doc["results"][i];
    EXPECT_TRUE(SameBits(result["score"].get<double>(), expected)) << i;
    EXPECT_EQ(result["over"].get<bool>(), expected >= 0.62) << i;
    ASSERT_TRUE(result.contains("contributions")) << result.dump();
    EXPECT_EQ(result["contributions"].size(), 1u);
  }
  EXPECT_EQ(doc["results"][0]["asset"], "P001");
  EXPECT_EQ(doc["results"][0]["over"], true);
  EXPECT_FALSE(doc["results"][1].contains("asset"));
}

TEST_F(LocalApiTest, BadRequestsAre400NamingTheField) {
  ASSERT_NE(InstallModel(), nullptr);
  net::HttpResponse wrong_type = Post("/v1/score", R"({"rows":[{"features":{"bearing_temp__max":"hot"}}]})");
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_THAT(wrong_type.body, HasSubstr("rows[0].features.bearing_temp__max: expected a number or null"));

  net::HttpResponse not_json = Post("/v1/score", "{rows:");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_THAT(not_json.body, HasSubstr("score request: not valid JSON"));

  net::HttpResponse unknown = Post("/v1/score", R"({"rows":[{"features":{"bearing_temp__mean":1}},)"
                                                R"({"features":{"flow__mean":3}}]})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body, HasSubstr("rows[1].features.flow__mean"));
  EXPECT_THAT(unknown.body, HasSubstr("has no such input"));
}

TEST_F(LocalApiTest, ReadingsRequestReturnsWindows) {
  std::shared_ptr<const ActiveModel> model = InstallModel();
  ASSERT_NE(model, nullptr);
  const AssetReadings readings = testing::TestReadings(1, 24, 3)[0];
  json times = json::array();
  json values = json::array();
  for (size_t i = 0; i < readings.rows(); ++i) {
    times.push_back(readings.time_ms[i]);
    values.push_back(std::isnan(readings.values[0][i]) ? json(nullptr) : json(readings.values[0][i]));
  }
  json request{{"readings", {{"asset", readings.asset}, {"time_ms", times}, {"values", {{"bearing_temp", values}}}}}};
  net::HttpResponse r = Post("/v1/score", request.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  json doc = Json(r);

  SimulatedClock clock(testing::kStartMs);
  Result<std::vector<OfflineScore>> expected = ScoreReadings(model, {readings}, {}, clock);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  std::vector<OfflineScore> scored;
  for (const OfflineScore& o : *expected) {
    if (o.scored) scored.push_back(o);
  }
  ASSERT_GT(scored.size(), 10u);
  ASSERT_EQ(doc["results"].size(), scored.size());
  for (size_t i = 0; i < scored.size(); ++i) {
    const json& w = doc["results"][i];
    EXPECT_EQ(w["asset"], readings.asset);
    EXPECT_EQ(w["window_end_ms"].get<int64_t>(), scored[i].time_ms);
    EXPECT_TRUE(SameBits(w["score"].get<double>(), scored[i].score)) << i;
  }
}

}  // namespace
}  // namespace edgeloop::agent
