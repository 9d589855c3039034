#include "server/control_plane.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "server/testing/test_server.h"

namespace edgeloop::server {
namespace {

using nlohmann::json;
using testing::Show;
using testing::TestServer;

TEST(ControlPlane, FirstStartWritesAnAdminTokenReadableByTheOwnerOnly) {
  auto server = TestServer::Start();
  ASSERT_NE(server, nullptr);
  const AdminBootstrap& boot = server->plane().admin_bootstrap();
  EXPECT_TRUE(boot.created);
  EXPECT_EQ(boot.path, server->home() + "/admin.token");
  struct stat st;
  ASSERT_EQ(::stat(boot.path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(server->admin_token().starts_with("elt_" + boot.token_id + "_"));
  EXPECT_EQ(server->Get("/api/v1/models", server->admin_token()).status, 200);

  // The creation is audited.
  auto audit = server->Get("/api/v1/audit", server->admin_token());
  ASSERT_EQ(audit.status, 200) << Show(audit);
  json entries = json::parse(audit.body)["entries"];
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["action"], "token.create");
  EXPECT_EQ(entries[0]["target"], "token/" + boot.token_id);
}

TEST(ControlPlane, SecondStartKeepsTheExistingAdminToken) {
  store::testing::TempDir dir;
  PosixFileSystem fs;
  SimulatedClock clock(testing::kStartMs);
  SeededSecretSource secrets(1);
  Logger log(LogLevel::kOff);
  ControlPlaneOptions options;
  options.home = dir.Join("home");
  ControlPlaneSeams seams{&fs, &clock, &secrets, &log};
  std::string first_token;
  {
    auto plane = ControlPlane::Create(options, seams);
    ASSERT_TRUE(plane.ok()) << plane.status().ToString();
    EXPECT_TRUE((*plane)->admin_bootstrap().created);
    first_token = *fs.ReadFile(options.home + "/admin.token");
  }
  auto again = ControlPlane::Create(options, seams);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE((*again)->admin_bootstrap().created);
  EXPECT_EQ(*fs.ReadFile(options.home + "/admin.token"), first_token);
}

TEST(ControlPlane, HealthzAndMetricsArePublic) {
  auto server = TestServer::Start();
  ASSERT_NE(server, nullptr);
  auto health = server->Get("/healthz", "");
  ASSERT_EQ(health.status, 200) << Show(health);
  EXPECT_EQ(json::parse(health.body)["status"], "ok");
  server->Get("/api/v1/models", server->admin_token());
  server->Get("/api/v1/models", "");
  auto metrics = server->Get("/metrics", "");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("route=\"/api/v1/models\",code=\"200\"} 1"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("route=\"/api/v1/models\",code=\"401\"} 1"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("edgeloop_server_bundles 0"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("edgeloop_server_request_duration_seconds_bucket"),
            std::string::npos);
}

TEST(ControlPlane, RevokedTokenIsRefused) {
  auto server = TestServer::Start();
  ASSERT_NE(server, nullptr);
  const std::string token = server->Token(Role::kOperator, "alice");
  EXPECT_EQ(server->Get("/api/v1/models", token).status, 200);
  {
    auto lease = server->plane().db().Acquire();
    ASSERT_TRUE(lease.ok());
    auto parts = ParseToken(token);
    ASSERT_TRUE(parts.ok());
    ASSERT_TRUE(TokenTable(lease->db()).Revoke(parts->id, testing::kStartMs).ok());
  }
  auto refused = server->Get("/api/v1/models", token);
  EXPECT_EQ(refused.status, 401) << Show(refused);
  EXPECT_NE(refused.body.find("revoked"), std::string::npos) << refused.body;
}

TEST(ControlPlane, BodyOverTheTransportLimitIs413) {
  ControlPlaneOptions options;
  options.max_body_bytes = 1024;
  options.max_bundle_bytes = 4096;
  auto server = TestServer::Start(options);
  ASSERT_NE(server, nullptr);
  // JSON routes are held to max_body_bytes by the router, bundle upload to max_bundle_bytes by
  // the transport.
  auto json_route = server->Send("POST", "/api/v1/events", server->admin_token(),
                                 "[" + std::string(2000, ' ') + "]");
  EXPECT_EQ(json_route.status, 413) << Show(json_route);
  auto upload = server->Send("POST", "/api/v1/bundles", server->admin_token(),
                             std::string(5000, 'x'), {{"content-type", "application/octet-stream"}});
  EXPECT_EQ(upload.status, 413) << Show(upload);
  auto metrics = server->Get("/metrics", "");
  EXPECT_NE(metrics.body.find("edgeloop_server_events 0"), std::string::npos);
}

TEST(ControlPlane, UnknownRouteIs404Json) {
  auto server = TestServer::Start();
  ASSERT_NE(server, nullptr);
  auto missing = server->Get("/api/v1/nothing", server->admin_token());
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("\"error\""), std::string::npos);
}

}  // namespace
}  // namespace edgeloop::server
