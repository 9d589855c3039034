#include "edgeloop/cmd_runs.h"

#include <gtest/gtest.h>

#include "edgeloop/testing/capture.h"

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/random.h"
#include "base/sha256.h"
#include "edgeloop/exit_code.h"
#include "registry/registry_schema.h"
#include "registry/sqlite_registry.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::app {
namespace {

constexpr int64_t kStart = 1767225600000;  // 2026-01-01T00:00:00Z

using testing::Capture;

class CmdRunsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::Workspace::Options options;
    options.create = true;
    options.schemas.push_back(registry::RegistrySchema());
    auto ws = store::Workspace::Open(dir_.Join("home"), fs_, options);
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    workspace_ = std::move(*ws);
    auto reg = registry::SqliteRegistry::Open(workspace_->db(), clock_, random_);
    ASSERT_TRUE(reg.ok());
    registry_ = std::move(*reg);
  }

  std::string AddRun(const std::string& metrics, bool fail) {
    registry::RunSpec spec;
    spec.config_text = "model: xgboost\nmax_depth: 4\n";
    spec.inputs = {{"dataset", Sha256Hex("rows")}};
    auto run = registry_->CreateRun(spec);
    EXPECT_TRUE(run.ok());
    clock_.Advance(60'000);
    if (fail) {
      EXPECT_TRUE(registry_->FailRun(run->id, "xgboost: bad label").ok());
    } else {
      registry::RunOutcome outcome;
      outcome.metrics_json = metrics;
      auto digest = workspace_->artifacts().Put("model of " + run->id);
      EXPECT_TRUE(digest.ok());
      outcome.model_digest = *digest;
      EXPECT_TRUE(registry_->FinishRun(run->id, outcome).ok());
    }
    return run->id;
  }

  store::testing::TempDir dir_;
  PosixFileSystem fs_;
  SimulatedClock clock_{kStart};
  Random random_{5};
  std::unique_ptr<store::Workspace> workspace_;
  std::unique_ptr<registry::SqliteRegistry> registry_;
  Capture out_, err_;
};

TEST_F(CmdRunsTest, ListShowsAlignedTableWithKeyMetrics) {
  const std::string first = AddRun(R"({"pr_auc": 0.91234, "event_recall": 0.8})", false);
  const std::string second = AddRun("{}", true);
  RunsListFlags flags;
  ASSERT_EQ(RunsList(*workspace_, *registry_, flags, out_.file(), err_.file()), kExitOk);
  const std::string text = out_.Text();
  EXPECT_NE(text.find("ID                KIND   STATUS    STARTED"), std::string::npos) << text;
  EXPECT_NE(text.find("PR_AUC"), std::string::npos) << text;
  EXPECT_NE(text.find("EVENT_RECALL"), std::string::npos) << text;
  EXPECT_NE(text.find("0.9123"), std::string::npos) << text;
  // Newest first.
  EXPECT_LT(text.find(second), text.find(first)) << text;
  EXPECT_EQ(err_.Text(), "");
}

TEST_F(CmdRunsTest, ListFiltersByStatusAndPrintsJson) {
  AddRun(R"({"pr_auc": 0.5})", false);
  const std::string failed = AddRun("{}", true);
  RunsListFlags flags;
  flags.status = "failed";
  flags.json = true;
  ASSERT_EQ(RunsList(*workspace_, *registry_, flags, out_.file(), err_.file()), kExitOk);
  nlohmann::json doc = nlohmann::json::parse(out_.Text());
  ASSERT_EQ(doc["runs"].size(), 1u);
  EXPECT_EQ(doc["runs"][0]["id"], failed);
  EXPECT_EQ(doc["runs"][0]["error"], "xgboost: bad label");
}

TEST_F(CmdRunsTest, BadStatusIsUsageError) {
  RunsListFlags flags;
  flags.status = "done";
  EXPECT_EQ(RunsList(*workspace_, *registry_, flags, out_.file(), err_.file()), 2);
  EXPECT_NE(err_.Text().find("edgeloop: --status: run status 'done'"), std::string::npos);
}

TEST_F(CmdRunsTest, ShowPrintsEveryField) {
  const std::string id = AddRun(R"({"pr_auc": 0.75})", false);
  RunsShowFlags flags;
  flags.run_id = id;
  ASSERT_EQ(RunsShow(*workspace_, *registry_, flags, out_.file(), err_.file()), kExitOk);
  const std::string text = out_.Text();
  for (const std::string& expected :
       {id, std::string("finished"), std::string("2026-01-01T00:00:00Z"), std::string("(took 1m)"),
        std::string("pr_auc"), std::string("0.75"), Sha256Hex("rows"),
        std::string("  max_depth: 4"), std::string("code version")}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " in\n" << text;
  }
  EXPECT_EQ(text.find("missing from the artifact store"), std::string::npos) << text;
}

TEST_F(CmdRunsTest, ShowJsonAndMissingRun) {
  const std::string id = AddRun("{}", true);
  RunsShowFlags flags;
  flags.run_id = id;
  flags.json = true;
  ASSERT_EQ(RunsShow(*workspace_, *registry_, flags, out_.file(), err_.file()), kExitOk);
  nlohmann::json doc = nlohmann::json::parse(out_.Text());
  EXPECT_EQ(doc["status"], "failed");
  EXPECT_EQ(doc["inputs"]["dataset"], Sha256Hex("rows"));
  EXPECT_TRUE(doc["model_artifact_present"].is_null());

  flags.run_id = "run-ffffffffffff";
  EXPECT_EQ(RunsShow(*workspace_, *registry_, flags, out_.file(), err_.file()), 3);
  EXPECT_NE(err_.Text().find("run run-ffffffffffff does not exist"), std::string::npos);
}

TEST(WriteAlignedTable, PadsColumns) {
  Capture out;
  WriteAlignedTable(out.file(), {{"A", "BB"}, {"ccc", "d"}});
  EXPECT_EQ(out.Text(), "A    BB\nccc  d\n");
}

}  // namespace
}  // namespace edgeloop::app
