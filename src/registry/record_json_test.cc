#include "registry/record_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace edgeloop::registry {
namespace {

TEST(RecordJson, RunCarriesEveryField) {
  registry::Run run;
  run.id = "run-0123456789ab";
  run.kind = "train";
  run.status = RunStatus::kFailed;
  run.started_ms = 1767225600000;
  run.finished_ms = 1767225660000;
  run.config_text = "a: 1\n";
  run.config_digest = "cd";
  run.inputs = {{"dataset", "d1"}};
  run.params_json = R"({"eta":0.1})";
  run.seed = 18446744073709551615ULL;
  run.nthread = 2;
  run.code_version = "0.1.0+abc";
  run.library_versions_json = R"({"xgboost":"1.7.4"})";
  run.metrics_json = R"({"pr_auc":0.5})";
  run.error = "boom";
  run.trigger = "cli";
  nlohmann::json j = RunToJson(run);
  EXPECT_EQ(j["id"], "run-0123456789ab");
  EXPECT_EQ(j["status"], "failed");
  EXPECT_EQ(j["started"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(j["finished"], "2026-01-01T00:01:00Z");
  EXPECT_EQ(j["inputs"]["dataset"], "d1");
  EXPECT_EQ(j["params"]["eta"], 0.1);
  EXPECT_EQ(j["seed"].get<uint64_t>(), 18446744073709551615ULL);
  EXPECT_EQ(j["library_versions"]["xgboost"], "1.7.4");
  EXPECT_EQ(j["metrics"]["pr_auc"], 0.5);
  EXPECT_TRUE(j["model_digest"].is_null());
  EXPECT_EQ(j["error"], "boom");
  EXPECT_EQ(j["trigger"], "cli");
  EXPECT_EQ(j["config_text"], "a: 1\n");
}

TEST(RecordJson, RunningRunHasNoFinishTime) {
  registry::Run run;
  run.started_ms = 5;
  nlohmann::json j = RunToJson(run);
  EXPECT_TRUE(j["finished"].is_null());
  EXPECT_TRUE(j["finished_ms"].is_null());
}

TEST(RecordJson, VersionAndLineage) {
  ModelVersion v;
  v.model = "pump-failure";
  v.version = 3;
  v.kind = "xgboost:binary:logistic";
  v.feature_names = {"a", "b"};
  v.aliases = {"champion"};
  v.source = "imported from m.json";
  nlohmann::json j = ModelVersionToJson(v);
  EXPECT_EQ(j["version"], 3);
  EXPECT_EQ(j["feature_names"], nlohmann::json::array({"a", "b"}));
  EXPECT_TRUE(j["threshold"].is_null());
  EXPECT_TRUE(j["source_run_id"].is_null());
  EXPECT_EQ(j["aliases"][0], "champion");
  Lineage lineage{v, std::nullopt};
  nlohmann::json l = LineageToJson(lineage);
  EXPECT_EQ(l["version"]["model"], "pump-failure");
  EXPECT_TRUE(l["run"].is_null());
}

TEST(RecordJson, ModelAndDataset) {
  Model m;
  m.name = "pump-failure";
  m.aliases = {{"champion", 2}};
  m.latest_version = 2;
  nlohmann::json j = ModelToJson(m);
  EXPECT_EQ(j["aliases"]["champion"], 2);
  EXPECT_EQ(j["latest_version"], 2);
  Dataset d;
  d.name = "north";
  d.kind = DatasetKind::kEvents;
  d.rows = 9;
  nlohmann::json dj = DatasetToJson(d);
  EXPECT_EQ(dj["kind"], "events");
  EXPECT_TRUE(dj["start"].is_null());
  EXPECT_EQ(dj["rows"], 9);
}

}  // namespace
}  // namespace edgeloop::registry
