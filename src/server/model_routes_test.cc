#include "server/model_routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/testing/test_server.h"

namespace edgeloop::server {
namespace {

using nlohmann::json;
using testing::Show;
using testing::TestServer;

class ModelRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = TestServer::Start();
    ASSERT_NE(server_, nullptr);
    admin_ = server_->admin_token();
    operator_ = server_->Token(Role::kOperator, "alice");
    for (int i = 0; i < 2; ++i) {
      auto digest = server_->plane().workspace().artifacts().Put("model " + std::to_string(i));
      ASSERT_TRUE(digest.ok());
      registry::NewModelVersion v;
      v.model = "pump-failure";
      v.kind = "xgboost:binary:logistic";
      v.model_digest = *digest;
      v.feature_names = {"a", "b"};
      v.source = "imported from a test";
      auto lease = server_->plane().db().Acquire();
      ASSERT_TRUE(lease.ok());
      ASSERT_TRUE(lease->registry().CreateModelVersion(v).ok());
    }
  }

  int AliasVersion(const std::string& alias) {
    auto lease = server_->plane().db().Acquire();
    auto v = lease->registry().GetAliasVersion("pump-failure", alias);
    return v.ok() ? *v : 0;
  }

  json AuditEntries() {
    auto r = server_->Get("/api/v1/audit", admin_, {{"after", "1"}});
    EXPECT_EQ(r.status, 200) << Show(r);
    return json::parse(r.body)["entries"];
  }

  std::unique_ptr<TestServer> server_;
  std::string admin_;
  std::string operator_;
};

TEST_F(ModelRoutesTest, ListsModelsAndVersions) {
  auto models = server_->Get("/api/v1/models", operator_);
  ASSERT_EQ(models.status, 200) << Show(models);
  json m = json::parse(models.body)["models"];
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0]["name"], "pump-failure");
  EXPECT_EQ(m[0]["latest_version"], 2);

  auto one = server_->Get("/api/v1/models/pump-failure", operator_);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(json::parse(one.body)["name"], "pump-failure");

  auto versions = server_->Get("/api/v1/models/pump-failure/versions", operator_);
  ASSERT_EQ(versions.status, 200);
  json v = json::parse(versions.body)["versions"];
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0]["version"], 2);  // newest first

  auto v1 = server_->Get("/api/v1/models/pump-failure/versions/1", operator_);
  ASSERT_EQ(v1.status, 200) << Show(v1);
  EXPECT_EQ(json::parse(v1.body)["feature_names"], json({"a", "b"}));
}

TEST_F(ModelRoutesTest, MissingModelsAndVersionsAre404AndBadVersionsAre400) {
  auto missing = server_->Get("/api/v1/models/nope", operator_);
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("nope"), std::string::npos);
  EXPECT_EQ(server_->Get("/api/v1/models/pump-failure/versions/9", operator_).status, 404);
  EXPECT_EQ(server_->Get("/api/v1/models/pump-failure/versions/x", operator_).status, 400);
  EXPECT_EQ(server_->Get("/api/v1/models/pump-failure/versions/0", operator_).status, 400);
  EXPECT_EQ(server_->Get("/api/v1/models", operator_, {{"bogus", "1"}}).status, 400);
}

TEST_F(ModelRoutesTest, AdminSetsAndDeletesAliasesAndEachChangeIsAudited) {
  auto set = server_->Send("PUT", "/api/v1/models/pump-failure/aliases/champion", admin_,
                           "{\"version\": 1}");
  ASSERT_EQ(set.status, 200) << Show(set);
  EXPECT_EQ(json::parse(set.body)["version"], 1);
  EXPECT_EQ(AliasVersion("champion"), 1);
  auto moved = server_->Send("PUT", "/api/v1/models/pump-failure/aliases/champion", admin_,
                             "{\"version\": 2}");
  ASSERT_EQ(moved.status, 200) << Show(moved);
  EXPECT_EQ(AliasVersion("champion"), 2);
  auto deleted = server_->Send("DELETE", "/api/v1/models/pump-failure/aliases/champion", admin_);
  ASSERT_EQ(deleted.status, 200) << Show(deleted);
  EXPECT_EQ(AliasVersion("champion"), 0);
  EXPECT_EQ(server_->Send("DELETE", "/api/v1/models/pump-failure/aliases/champion", admin_).status,
            404);

  json entries = AuditEntries();
  ASSERT_EQ(entries.size(), 3u) << entries.dump();
  EXPECT_EQ(entries[0]["action"], "model.alias.set");
  EXPECT_EQ(entries[0]["target"], "model/pump-failure/champion");
  EXPECT_EQ(entries[0]["role"], "admin");
  EXPECT_EQ(entries[1]["detail"]["previous"], 1);
  EXPECT_EQ(entries[1]["detail"]["version"], 2);
  EXPECT_EQ(entries[2]["action"], "model.alias.delete");
  EXPECT_EQ(entries[2]["detail"]["version"], 2);
}

TEST_F(ModelRoutesTest, BadBodiesAre400AndChangeNothing) {
  const std::string path = "/api/v1/models/pump-failure/aliases/champion";
  struct Case {
    std::string body;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{{"{\"version\": ", "not valid JSON"},
                                         {"", "expected a JSON object"},
                                         {"[1]", "expected a JSON object"},
                                         {"{\"version\": \"1\"}", "version: expected an integer"},
                                         {"{\"version\": 1.5}", "version: expected an integer"},
                                         {"{\"version\": 1, \"force\": true}", "force"},
                                         {"{}", "version: missing"},
                                         {"{\"version\": 0}", "version"}}) {
    auto r = server_->Send("PUT", path, admin_, c.body);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << Show(r);
    EXPECT_NE(r.body.find(c.says), std::string::npos) << c.body << " -> " << r.body;
  }
  EXPECT_EQ(server_->Send("PUT", path, admin_, "{\"version\": 7}").status, 404);
  EXPECT_EQ(server_->Send("PUT", "/api/v1/models/pump-failure/aliases/latest", admin_,
                          "{\"version\": 1}").status,
            400);
  EXPECT_EQ(AliasVersion("champion"), 0);
  EXPECT_TRUE(AuditEntries().empty());
}

TEST_F(ModelRoutesTest, OperatorsAndDevicesMayNotMoveAliases) {
  const std::string path = "/api/v1/models/pump-failure/aliases/champion";
  EXPECT_EQ(server_->Send("PUT", path, operator_, "{\"version\": 1}").status, 403);
  const std::string device = server_->Token(Role::kDevice, "gw", "pump-gw-1");
  EXPECT_EQ(server_->Send("PUT", path, device, "{\"version\": 1}").status, 403);
  EXPECT_EQ(server_->Get("/api/v1/models", device).status, 403);
  EXPECT_EQ(server_->Send("PUT", path, "", "{\"version\": 1}").status, 401);
  EXPECT_EQ(AliasVersion("champion"), 0);
  EXPECT_TRUE(AuditEntries().empty());
}

TEST_F(ModelRoutesTest, RunsAreListedAndShown) {
  std::string run_id;
  {
    auto lease = server_->plane().db().Acquire();
    ASSERT_TRUE(lease.ok());
    registry::RunSpec spec;
    spec.config_text = "model: {}";
    auto run = lease->registry().CreateRun(spec);
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    run_id = run->id;
  }
  auto list = server_->Get("/api/v1/runs", operator_, {{"status", "running"}, {"limit", "5"}});
  ASSERT_EQ(list.status, 200) << Show(list);
  json runs = json::parse(list.body)["runs"];
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["id"], run_id);
  EXPECT_EQ(json::parse(server_->Get("/api/v1/runs", operator_, {{"status", "failed"}}).body)["runs"]
                .size(),
            0u);
  EXPECT_EQ(server_->Get("/api/v1/runs", operator_, {{"status", "odd"}}).status, 400);
  EXPECT_EQ(server_->Get("/api/v1/runs", operator_, {{"limit", "0"}}).status, 400);
  auto one = server_->Get("/api/v1/runs/" + run_id, operator_);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(json::parse(one.body)["config_text"], "model: {}");
  EXPECT_EQ(server_->Get("/api/v1/runs/run-000000000000", operator_).status, 404);
}

}  // namespace
}  // namespace edgeloop::server
