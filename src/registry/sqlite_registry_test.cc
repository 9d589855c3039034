#include "registry/sqlite_registry.h"

#include <gtest/gtest.h>

#include "base/ids.h"
#include "base/sha256.h"
#include "registry/registry_schema.h"
#include "store/migrations.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::registry {
namespace {

using store::testing::TempDir;

constexpr int64_t kStart = 1767225600000;  // 2026-01-01T00:00:00Z

class SqliteRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(dir_.Join("edgeloop.db"));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    auto registry = SqliteRegistry::Open(*db_, clock_, random_);
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(*registry);
  }

  RunSpec TrainSpec() {
    RunSpec spec;
    spec.config_text = "model: xgboost\nmax_depth: 4\n";
    spec.inputs = {{"dataset", Sha256Hex("rows")}, {"feature_spec", Sha256Hex("spec")}};
    spec.params_json = R"({"max_depth": 4, "eta": 0.1})";
    spec.seed = 0xfedcba9876543210ULL;
    spec.nthread = 2;
    spec.library_versions_json = R"({"xgboost": "1.7.4"})";
    return spec;
  }

  NewModelVersion VersionSpec(const std::string& model, const std::string& run_id) {
    NewModelVersion spec;
    spec.model = model;
    spec.kind = "xgboost:binary:logistic";
    spec.model_digest = Sha256Hex("model " + run_id);
    spec.feature_names = {"pressure_mean", "vibration_rms"};
    spec.threshold = 0.42;
    spec.metrics_json = R"({"pr_auc": 0.9})";
    spec.source_run_id = run_id;
    return spec;
  }

  TempDir dir_;
  SimulatedClock clock_{kStart};
  Random random_{42};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<SqliteRegistry> registry_;
};

TEST_F(SqliteRegistryTest, CreateRunRecordsEverything) {
  auto run = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->id.rfind("run-", 0), 0u);
  EXPECT_EQ(run->id.size(), 16u);
  EXPECT_EQ(run->status, RunStatus::kRunning);
  EXPECT_EQ(run->started_ms, kStart);
  EXPECT_EQ(run->config_digest, Sha256Hex("model: xgboost\nmax_depth: 4\n"));
  EXPECT_EQ(run->params_json, R"({"eta":0.1,"max_depth":4})");
  EXPECT_FALSE(run->code_version.empty());

  auto stored = registry_->GetRun(run->id);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->kind, "train");
  EXPECT_EQ(stored->seed, 0xfedcba9876543210ULL);
  EXPECT_EQ(stored->nthread, 2);
  EXPECT_EQ(stored->inputs, TrainSpec().inputs);
  EXPECT_EQ(stored->params_json, run->params_json);
  EXPECT_EQ(stored->library_versions_json, R"({"xgboost":"1.7.4"})");
  EXPECT_EQ(stored->trigger, "cli");
  EXPECT_EQ(stored->finished_ms, 0);
}

TEST_F(SqliteRegistryTest, IdsRepeatWithTheSameSeed) {
  auto first = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(first.ok());
  Random same_seed(42);
  EXPECT_EQ(first->id, NewId("run", same_seed));
}

TEST_F(SqliteRegistryTest, FinishAndFailMoveOnlyRunningRuns) {
  auto run = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(run.ok());
  clock_.Advance(90'000);
  RunOutcome outcome;
  outcome.metrics_json = R"({"pr_auc": 0.91, "event_recall": 0.8})";
  outcome.model_digest = Sha256Hex("model");
  outcome.report_digest = Sha256Hex("report");
  auto finished = registry_->FinishRun(run->id, outcome);
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  EXPECT_EQ(finished->status, RunStatus::kFinished);
  EXPECT_EQ(finished->finished_ms, kStart + 90'000);
  auto stored = registry_->GetRun(run->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->metrics_json, R"({"event_recall":0.8,"pr_auc":0.91})");
  EXPECT_EQ(stored->model_digest, Sha256Hex("model"));
  EXPECT_EQ(stored->report_digest, Sha256Hex("report"));

  auto again = registry_->FailRun(run->id, "late failure");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(registry_->GetRun(run->id)->status, RunStatus::kFinished);

  auto other = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(other.ok());
  auto failed = registry_->FailRun(other->id, "xgboost: out of memory");
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(registry_->GetRun(other->id)->error, "xgboost: out of memory");
  EXPECT_EQ(registry_->GetRun(other->id)->status, RunStatus::kFailed);
}

TEST_F(SqliteRegistryTest, BadRunInputChangesNothing) {
  RunSpec spec = TrainSpec();
  spec.params_json = "[1, 2]";
  EXPECT_EQ(registry_->CreateRun(spec).status().code(), StatusCode::kInvalidArgument);
  spec = TrainSpec();
  spec.inputs["dataset"] = "not-a-digest";
  EXPECT_EQ(registry_->CreateRun(spec).status().code(), StatusCode::kInvalidArgument);
  spec = TrainSpec();
  spec.nthread = 0;
  EXPECT_EQ(registry_->CreateRun(spec).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(registry_->ListRuns(RunFilter())->empty());

  auto run = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(run.ok());
  RunOutcome outcome;
  outcome.metrics_json = "{not json";
  auto finished = registry_->FinishRun(run->id, outcome);
  EXPECT_EQ(finished.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->GetRun(run->id)->status, RunStatus::kRunning);
  EXPECT_EQ(registry_->GetRun("run-000000000000").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(registry_->FinishRun("run-000000000000", RunOutcome()).status().code(),
            StatusCode::kNotFound);
}

TEST_F(SqliteRegistryTest, ListRunsNewestFirstWithLimitAndStatus) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto run = registry_->CreateRun(TrainSpec());
    ASSERT_TRUE(run.ok());
    ids.push_back(run->id);
    if (i % 2 == 0) {
      ASSERT_TRUE(registry_->FailRun(run->id, "boom").ok());
    }
    clock_.Advance(1000);
  }
  auto all = registry_->ListRuns(RunFilter{0, std::nullopt, ""});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ(all->front().id, ids[4]);
  EXPECT_EQ(all->back().id, ids[0]);
  EXPECT_EQ(all->front().inputs.size(), 2u);

  auto two = registry_->ListRuns(RunFilter{2, std::nullopt, ""});
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].id, ids[3]);

  auto failed = registry_->ListRuns(RunFilter{0, RunStatus::kFailed, ""});
  ASSERT_EQ(failed->size(), 3u);
  for (const registry::Run& r : *failed) EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_TRUE(registry_->ListRuns(RunFilter{0, std::nullopt, "evaluate"})->empty());
}

TEST_F(SqliteRegistryTest, RunsStartedInTheSameMillisecondKeepInsertionOrder) {
  auto a = registry_->CreateRun(TrainSpec());
  auto b = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(a.ok() && b.ok());
  auto runs = registry_->ListRuns(RunFilter());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].id, b->id);
}

TEST_F(SqliteRegistryTest, VersionsAreNumberedPerModel) {
  auto run = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(run.ok());
  auto v1 = registry_->CreateModelVersion(VersionSpec("pump-failure", run->id));
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v1->source, "trained by " + run->id);
  EXPECT_EQ(v1->created_ms, kStart);
  auto v2 = registry_->CreateModelVersion(VersionSpec("pump-failure", run->id));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, 2);
  auto other = registry_->CreateModelVersion(VersionSpec("seal-leak", run->id));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->version, 1);

  auto got = registry_->GetModelVersion("pump-failure", 1);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->feature_names, (std::vector<std::string>{"pressure_mean", "vibration_rms"}));
  ASSERT_TRUE(got->threshold.has_value());
  EXPECT_EQ(*got->threshold, 0.42);
  EXPECT_EQ(got->metrics_json, R"({"pr_auc":0.9})");
  EXPECT_EQ(got->source_run_id, run->id);
  EXPECT_EQ(got->validation_report_digest, "");

  auto model = registry_->GetModel("pump-failure");
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(model->latest_version, 2);
  auto versions = registry_->ListModelVersions("pump-failure");
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 2);
  auto models = registry_->ListModels();
  ASSERT_EQ(models->size(), 2u);
  EXPECT_EQ((*models)[0].name, "pump-failure");
  EXPECT_EQ((*models)[1].name, "seal-leak");
}

TEST_F(SqliteRegistryTest, BadVersionChangesNothing) {
  NewModelVersion spec = VersionSpec("pump-failure", "run-000000000000");
  auto missing_run = registry_->CreateModelVersion(spec);
  EXPECT_EQ(missing_run.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing_run.status().message().find("run-000000000000"), std::string::npos);
  EXPECT_EQ(registry_->GetModel("pump-failure").status().code(), StatusCode::kNotFound);

  spec = VersionSpec("Pump Failure", "");
  spec.source = "imported from m.json";
  EXPECT_EQ(registry_->CreateModelVersion(spec).status().code(), StatusCode::kInvalidArgument);
  spec = VersionSpec("pump-failure", "");
  spec.source = "imported from m.json";
  spec.feature_names = {"a", "a"};
  EXPECT_EQ(registry_->CreateModelVersion(spec).status().code(), StatusCode::kInvalidArgument);
  spec.feature_names = {"a"};
  spec.model_digest = "abc";
  EXPECT_EQ(registry_->CreateModelVersion(spec).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(registry_->ListModels()->empty());
}

TEST_F(SqliteRegistryTest, ImportedVersionHasNoRun) {
  NewModelVersion spec = VersionSpec("pump-failure", "");
  spec.source = "imported from /tmp/m.json";
  spec.threshold.reset();
  spec.description = "failure within 7 days";
  auto v = registry_->CreateModelVersion(spec);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->source_run_id, "");
  EXPECT_FALSE(v->threshold.has_value());
  EXPECT_EQ(registry_->GetModel("pump-failure")->description, "failure within 7 days");
  auto lineage = registry_->GetLineage("pump-failure");
  ASSERT_TRUE(lineage.ok());
  EXPECT_FALSE(lineage->run.has_value());
}

TEST_F(SqliteRegistryTest, AliasesMoveAndResolve) {
  auto run = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(run.ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(registry_->CreateModelVersion(VersionSpec("pump-failure", run->id)).ok());
  }
  ASSERT_TRUE(registry_->SetAlias("pump-failure", "champion", 1).ok());
  ASSERT_TRUE(registry_->SetAlias("pump-failure", "challenger", 3).ok());
  EXPECT_EQ(registry_->ResolveModelRef("pump-failure@champion")->version, 1);
  EXPECT_EQ(registry_->ResolveModelRef("pump-failure@challenger")->version, 3);
  EXPECT_EQ(registry_->ResolveModelRef("pump-failure@2")->version, 2);
  EXPECT_EQ(registry_->ResolveModelRef("pump-failure")->version, 3);
  EXPECT_EQ(registry_->ResolveModelRef("pump-failure@latest")->version, 3);

  // Promotion: the alias moves.
  ASSERT_TRUE(registry_->SetAlias("pump-failure", "champion", 3).ok());
  EXPECT_EQ(registry_->ResolveModelRef("pump-failure@champion")->version, 3);
  auto v3 = registry_->GetModelVersion("pump-failure", 3);
  EXPECT_EQ(v3->aliases, (std::vector<std::string>{"challenger", "champion"}));
  EXPECT_TRUE(registry_->GetModelVersion("pump-failure", 1)->aliases.empty());
  EXPECT_EQ(registry_->GetModel("pump-failure")->aliases.at("champion"), 3);

  ASSERT_TRUE(registry_->DeleteAlias("pump-failure", "challenger").ok());
  auto gone = registry_->ResolveModelRef("pump-failure@challenger");
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound);
  EXPECT_NE(gone.status().message().find("champion -> 3"), std::string::npos)
      << gone.status().message();
  EXPECT_EQ(registry_->DeleteAlias("pump-failure", "challenger").code(), StatusCode::kNotFound);
}

TEST_F(SqliteRegistryTest, BadAliasChangesNothing) {
  auto run = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(registry_->CreateModelVersion(VersionSpec("pump-failure", run->id)).ok());
  ASSERT_TRUE(registry_->SetAlias("pump-failure", "champion", 1).ok());
  Status missing_version = registry_->SetAlias("pump-failure", "champion", 7);
  EXPECT_EQ(missing_version.code(), StatusCode::kNotFound);
  EXPECT_NE(missing_version.message().find("versions are 1 to 1"), std::string::npos)
      << missing_version.message();
  EXPECT_EQ(registry_->SetAlias("pump-failure", "Champion", 1).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->SetAlias("pump-failure", "latest", 1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->SetAlias("no-such-model", "champion", 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(registry_->SetAlias("pump-failure", "champion", 0).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->GetAliasVersion("pump-failure", "champion").value(), 1);
}

TEST_F(SqliteRegistryTest, ResolveGivesClearNotFound) {
  auto missing = registry_->ResolveModelRef("pump-failure@champion");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("model 'pump-failure' does not exist"),
            std::string::npos);
  ASSERT_TRUE(registry_->CreateModel("pump-failure", "").ok());
  auto empty = registry_->ResolveModelRef("pump-failure");
  EXPECT_EQ(empty.status().code(), StatusCode::kNotFound);
  EXPECT_NE(empty.status().message().find("no versions"), std::string::npos);
  EXPECT_EQ(registry_->ResolveModelRef("pump-failure@4").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(registry_->ResolveModelRef("pump@").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteRegistryTest, CreateModelTwiceIsAlreadyExists) {
  ASSERT_TRUE(registry_->CreateModel("pump-failure", "first").ok());
  auto again = registry_->CreateModel("pump-failure", "second");
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(registry_->GetModel("pump-failure")->description, "first");
  clock_.Advance(5);
  ASSERT_TRUE(registry_->SetModelDescription("pump-failure", "third").ok());
  auto model = registry_->GetModel("pump-failure");
  EXPECT_EQ(model->description, "third");
  EXPECT_EQ(model->updated_ms, kStart + 5);
  EXPECT_EQ(registry_->SetModelDescription("nope", "x").code(), StatusCode::kNotFound);
}

TEST_F(SqliteRegistryTest, LineageLinksVersionToRunInputs) {
  auto run = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(registry_->CreateModelVersion(VersionSpec("pump-failure", run->id)).ok());
  ASSERT_TRUE(registry_->SetAlias("pump-failure", "champion", 1).ok());
  auto lineage = registry_->GetLineage("pump-failure@champion");
  ASSERT_TRUE(lineage.ok()) << lineage.status().ToString();
  EXPECT_EQ(lineage->version.version, 1);
  ASSERT_TRUE(lineage->run.has_value());
  EXPECT_EQ(lineage->run->id, run->id);
  EXPECT_EQ(lineage->run->inputs.at("dataset"), Sha256Hex("rows"));
}

TEST_F(SqliteRegistryTest, ValidationReportIsRecorded) {
  auto run = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(registry_->CreateModelVersion(VersionSpec("pump-failure", run->id)).ok());
  ASSERT_TRUE(registry_->SetValidationReport("pump-failure", 1, Sha256Hex("report")).ok());
  EXPECT_EQ(registry_->GetModelVersion("pump-failure", 1)->validation_report_digest,
            Sha256Hex("report"));
  EXPECT_EQ(registry_->SetValidationReport("pump-failure", 2, Sha256Hex("r")).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(registry_->SetValidationReport("pump-failure", 1, "xyz").code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SqliteRegistryTest, DatasetsByNameGiveTheNewest) {
  NewDataset spec;
  spec.name = "north-2026";
  spec.kind = DatasetKind::kReadings;
  spec.digest = Sha256Hex("v1");
  spec.rows = 1000;
  spec.assets = 4;
  spec.start_ms = kStart;
  spec.end_ms = kStart + 86'400'000;
  spec.source_file = "/data/north.csv";
  auto first = registry_->AddDataset(spec);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->id.rfind("ds-", 0), 0u);
  clock_.Advance(1000);
  spec.digest = Sha256Hex("v2");
  spec.rows = 2000;
  ASSERT_TRUE(registry_->AddDataset(spec).ok());
  NewDataset events;
  events.name = "north-events";
  events.kind = DatasetKind::kEvents;
  events.digest = Sha256Hex("events");
  events.rows = 12;
  events.source_file = "/data/events.csv";
  ASSERT_TRUE(registry_->AddDataset(events).ok());

  auto latest = registry_->GetDataset("north-2026");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->digest, Sha256Hex("v2"));
  EXPECT_EQ(latest->rows, 2000);
  EXPECT_EQ(latest->assets, 4);
  EXPECT_EQ(latest->start_ms, kStart);
  EXPECT_EQ(latest->end_ms, kStart + 86'400'000);
  EXPECT_EQ(latest->source_file, "/data/north.csv");
  auto ev = registry_->GetDataset("north-events");
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->kind, DatasetKind::kEvents);
  EXPECT_FALSE(ev->start_ms.has_value());
  EXPECT_EQ(registry_->ListDatasets()->size(), 3u);
  EXPECT_EQ(registry_->ListDatasets()->front().name, "north-events");
  EXPECT_EQ(registry_->GetDataset("south").status().code(), StatusCode::kNotFound);

  events.digest = "nope";
  EXPECT_EQ(registry_->AddDataset(events).status().code(), StatusCode::kInvalidArgument);
  events.digest = Sha256Hex("x");
  events.start_ms = kStart;
  EXPECT_EQ(registry_->AddDataset(events).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->ListDatasets()->size(), 3u);
}

TEST_F(SqliteRegistryTest, TwoRegistriesOnOneFileSeeEachOthersWrites) {
  auto other_db = store::Database::Open(dir_.Join("edgeloop.db"));
  ASSERT_TRUE(other_db.ok());
  Random other_random(7);
  auto other = SqliteRegistry::Open(**other_db, clock_, other_random);
  ASSERT_TRUE(other.ok());

  auto run = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(run.ok());
  auto seen = (*other)->GetRun(run->id);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  ASSERT_TRUE((*other)->FinishRun(run->id, RunOutcome()).ok());
  EXPECT_EQ(registry_->GetRun(run->id)->status, RunStatus::kFinished);

  ASSERT_TRUE(registry_->CreateModelVersion(VersionSpec("pump-failure", run->id)).ok());
  auto v2 = (*other)->CreateModelVersion(VersionSpec("pump-failure", run->id));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, 2);
  ASSERT_TRUE((*other)->SetAlias("pump-failure", "champion", 2).ok());
  EXPECT_EQ(registry_->ResolveModelRef("pump-failure@champion")->version, 2);
}

TEST_F(SqliteRegistryTest, ReopeningKeepsData) {
  auto run = registry_->CreateRun(TrainSpec());
  ASSERT_TRUE(run.ok());
  registry_.reset();
  db_.reset();
  auto db = store::Database::Open(dir_.Join("edgeloop.db"));
  ASSERT_TRUE(db.ok());
  auto registry = SqliteRegistry::Open(**db, clock_, random_);
  ASSERT_TRUE(registry.ok());
  EXPECT_TRUE((*registry)->GetRun(run->id).ok());
}

TEST(SqliteRegistry, RefusesDatabaseFromNewerEdgeloop) {
  TempDir dir;
  auto db = store::Database::Open(dir.Join("edgeloop.db"));
  ASSERT_TRUE(db.ok());
  store::MigrationSet future = RegistrySchema();
  future.migrations.push_back({static_cast<int>(future.migrations.size()) + 1, "future",
                               "CREATE TABLE from_the_future (x)"});
  ASSERT_TRUE(store::ApplyMigrations(**db, future).ok());
  SimulatedClock clock(kStart);
  Random random(1);
  auto registry = SqliteRegistry::Open(**db, clock, random);
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(registry.status().message().find("'registry' tables"), std::string::npos)
      << registry.status().message();
}

}  // namespace
}  // namespace edgeloop::registry
