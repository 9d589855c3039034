#include "pipeline/train_job.h"

#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/file_system.h"
#include "base/random.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "bundle/signing_key.h"
#include "bundle/verifier.h"
#include "pipeline/bundle_job.h"
#include "registry/registry_schema.h"
#include "registry/sqlite_registry.h"

namespace edgeloop::pipeline {
namespace {

using nlohmann::json;

constexpr uint64_t kSeed = 20260101;
const int64_t kStart = 1767225600000;  // 2026-01-01T00:00:00Z

class TempDir {
 public:
  TempDir() {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/el_train_job_XXXXXX";
    EL_CHECK(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Four pumps over 30 days at 10-minute samples. P1 fails on day 12 and P3 on day 26; in the 48 h
// before each failure vibration and temperature climb far outside their normal spread. Each
// failure is repaired 12 h later.
struct Fleet {
  std::string readings;
  std::string events;
};

Fleet SyntheticFleet(bool with_failures) {
  Random random(kSeed);
  const int64_t step = 10 * kMillisPerMinute;
  const int64_t end = kStart + 30 * kMillisPerDay;
  struct Failure {
    std::string asset;
    int64_t at;
  };
  std::vector<Failure> failures;
  if (with_failures) {
    failures = {{"P1", kStart + 12 * kMillisPerDay}, {"P3", kStart + 26 * kMillisPerDay}};
  }
  Fleet fleet;
  fleet.readings = "time,asset,temp,vib,flow\n";
  for (int64_t t = kStart; t < end; t += step) {
    for (const std::string asset : {"P1", "P2", "P3", "P4"}) {
      double wear = 0;
      for (const Failure& f : failures) {
        const int64_t before = f.at - t;
        if (f.asset == asset && before > 0 && before <= 48 * kMillisPerHour) {
          wear = 1.0 - static_cast<double>(before) / static_cast<double>(48 * kMillisPerHour);
        }
      }
      const double flow = 100 + random.Normal(0, 2);
      const double temp = 60 + 0.2 * (flow - 100) + random.Normal(0, 1) + 15 * wear;
      const double vib = 2 + random.Normal(0, 0.1) + 3 * wear;
      fleet.readings += FormatTimestamp(t) + "," + asset + "," + FormatDouble(temp) + "," +
                        FormatDouble(vib) + "," + FormatDouble(flow) + "\n";
    }
  }
  fleet.events = "time,asset,kind,failure_mode\n";
  for (const Failure& f : failures) {
    fleet.events += FormatTimestamp(f.at) + "," + f.asset + ",failure,bearing_wear\n";
    fleet.events += FormatTimestamp(f.at + 12 * kMillisPerHour) + "," + f.asset + ",repair,\n";
  }
  fleet.events += FormatTimestamp(kStart + 5 * kMillisPerDay) + ",P2,inspection,\n";
  return fleet;
}

std::string AnomalyConfig(const std::string& dir, const std::string& model_body) {
  return "data:\n"
         "  readings: " + dir + "/readings.csv\n"
         "  events: " + dir + "/events.csv\n"
         "features:\n"
         "  window: {length: 6h, hop: 2h}\n"
         "  period: 10m\n"
         "  signals:\n"
         "    - {name: temp, functions: [mean, std]}\n"
         "    - {name: vib, functions: [mean, max]}\n"
         "    - {name: flow, functions: [mean]}\n"
         "training:\n"
         "  horizon: 48h\n"
         "  split: {by: time, test_fraction: 0.3}\n"
         "  alert: {k: 2, n: 3, cooldown: 12h}\n"
         "model:\n"
         "  name: pump-anomaly\n"
         "  alias: champion\n" +
         model_body;
}

const char kPca[] = "  kind: pca\n  explained_variance: 0.9\n  threshold: {quantile: 0.995}\n";
const char kForest[] =
    "  kind: isolation_forest\n  trees: 60\n  sample_size: 128\n  seed: 5\n"
    "  threshold: {false_alarm_rate: 0.01, factor: 1.05}\n";

// A fleet on disk, a workspace with a registry, and the train job's context over them.
class TrainJobTest : public ::testing::Test {
 protected:
  void SetUp() override { WriteFleet(true); }

  void WriteFleet(bool with_failures) {
    const Fleet fleet = SyntheticFleet(with_failures);
    ASSERT_TRUE(fs_.WriteFileAtomic(dir_.File("readings.csv"), fleet.readings).ok());
    ASSERT_TRUE(fs_.WriteFileAtomic(dir_.File("events.csv"), fleet.events).ok());
  }

  void OpenWorkspace(const std::string& home) {
    store::Workspace::Options options;
    options.create = true;
    options.schemas.push_back(registry::RegistrySchema());
    Result<std::unique_ptr<store::Workspace>> workspace =
        store::Workspace::Open(dir_.File(home), fs_, options);
    ASSERT_TRUE(workspace.ok()) << workspace.status().ToString();
    workspace_ = std::move(workspace).value();
    Result<std::unique_ptr<registry::SqliteRegistry>> registry =
        registry::SqliteRegistry::Open(workspace_->db(), clock_, random_);
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(registry).value();
  }

  TrainJobContext Context() {
    TrainJobContext context;
    context.workspace = workspace_.get();
    context.registry = registry_.get();
    context.clock = &clock_;
    return context;
  }

  Result<TrainJobResult> Train(const std::string& model_body) {
    Result<TrainJobConfig> config =
        ParseTrainJobConfig(AnomalyConfig(dir_.path(), model_body), "train.yaml", "", fs_);
    if (!config.ok()) return config.status();
    return RunTrainJob(*config, Context());
  }

  json Metrics(const TrainJobResult& result) { return json::parse(result.version.metrics_json); }

  json Artifact(const std::string& digest) {
    Result<std::string> text = workspace_->artifacts().Get(digest);
    EL_CHECK(text.ok());
    return json::parse(*text);
  }

  TempDir dir_;
  PosixFileSystem fs_;
  SimulatedClock clock_{kStart + 40 * kMillisPerDay};
  Random random_{kSeed};
  std::unique_ptr<store::Workspace> workspace_;
  std::unique_ptr<registry::SqliteRegistry> registry_;
};

TEST_F(TrainJobTest, PcaFitsOnHealthyTrainingRowsAndRegistersItsKindThresholdAndMetrics) {
  OpenWorkspace("home");
  Result<TrainJobResult> result = Train(kPca);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const registry::ModelVersion& v = result->version;
  EXPECT_EQ(v.kind, "pca");
  EXPECT_EQ(v.version, 1);
  EXPECT_EQ(v.aliases, std::vector<std::string>{"champion"});
  ASSERT_TRUE(v.threshold.has_value());
  EXPECT_EQ(v.feature_names.size(), 5u);

  const json m = Metrics(*result);
  EXPECT_EQ(m["model_kind"], "pca");
  EXPECT_EQ(m["fit_on"], "healthy_training_rows");
  EXPECT_EQ(m["evaluated"], true);
  EXPECT_DOUBLE_EQ(m["threshold"].get<double>(), *v.threshold);
  EXPECT_EQ(m["threshold_policy"], "quantile");
  // Fitted on fewer rows than the training part: the pre-failure windows were left out.
  EXPECT_LT(m["fit_rows"].get<size_t>(), m["train_rows"].get<size_t>());
  EXPECT_GT(m["fit_rows"].get<size_t>(), 100u);
  const json& q = m["training_score_quantiles"];
  EXPECT_LE(q["p50"].get<double>(), q["p99"].get<double>());
  EXPECT_LE(q["p99"].get<double>(), *v.threshold);
  EXPECT_LE(*v.threshold, q["max"].get<double>());
  // The tree path's evaluation on the test part, where P3 fails after a steep climb.
  EXPECT_EQ(m["test_failures"].get<int>(), 1) << m.dump(2);
  EXPECT_EQ(m["failures_caught"].get<int>(), 1) << m.dump(2);
  EXPECT_GT(m["median_lead_time_hours"].get<double>(), 0.0);
  EXPECT_GT(m["pr_auc"].get<double>(), 0.5) << m.dump(2);
  EXPECT_EQ(m["alert"]["k"], 2);
  EXPECT_EQ(m["alert"]["n"], 3);
  EXPECT_GE(m["pca"]["components"].get<int>(), 1);
  EXPECT_NE(result->report_text.find("Anomaly model (pca)"), std::string::npos);
  EXPECT_NE(result->report_text.find("Caught 1 of 1 failures"), std::string::npos)
      << result->report_text;

  // The run: kind in its params, no XGBoost, lineage inputs like the tree path's.
  const registry::Run& run = result->run;
  EXPECT_EQ(v.source_run_id, run.id);
  const json params = json::parse(run.params_json);
  EXPECT_EQ(params["model"]["kind"], "pca");
  EXPECT_EQ(params["fit_rows"], "healthy_training_rows");
  EXPECT_FALSE(params.contains("xgboost"));
  EXPECT_FALSE(json::parse(run.library_versions_json).contains("xgboost"));
  for (const char* input : {"readings", "events", "feature_spec", "dataset", "predictions",
                            "reference"}) {
    EXPECT_EQ(run.inputs.count(input), 1u) << input;
  }

  // Reference histograms of every feature and of the score, over the rows fitted.
  const json reference = Artifact(run.inputs.at("reference"));
  ASSERT_EQ(reference["histograms"].size(), v.feature_names.size());
  for (size_t i = 0; i < v.feature_names.size(); ++i) {
    EXPECT_EQ(reference["histograms"][i]["feature"], v.feature_names[i]);
  }
  EXPECT_EQ(reference["rows"], m["fit_rows"]);
  ASSERT_TRUE(reference.contains("score"));
  int64_t counted = 0;
  for (const json& c : reference["score"]["counts"]) counted += c.get<int64_t>();
  EXPECT_EQ(counted, m["fit_rows"].get<int64_t>());
}

TEST_F(TrainJobTest, SameInputsGiveTheSameModelBytesAndAnotherSeedAnotherForest) {
  OpenWorkspace("home");
  for (const char* body : {kPca, kForest}) {
    Result<TrainJobResult> first = Train(body);
    Result<TrainJobResult> second = Train(body);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    EXPECT_EQ(first->version.model_digest, second->version.model_digest) << body;
    EXPECT_EQ(first->run.inputs, second->run.inputs) << body;
    EXPECT_EQ(first->version.threshold, second->version.threshold) << body;
  }
  std::string reseeded = kForest;
  reseeded.replace(reseeded.find("seed: 5"), 7, "seed: 6");
  Result<TrainJobResult> a = Train(kForest);
  Result<TrainJobResult> b = Train(reseeded);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->version.kind, "isolation_forest");
  EXPECT_NE(a->version.model_digest, b->version.model_digest);
  EXPECT_EQ(a->run.seed, 5u);
}

TEST_F(TrainJobTest, WithoutFailuresFitsOnEveryRowAndSaysSo) {
  WriteFleet(false);
  OpenWorkspace("home");
  Result<TrainJobResult> result = Train(kPca);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const json m = Metrics(*result);
  EXPECT_EQ(m["fit_on"], "all_rows");
  EXPECT_EQ(m["evaluated"], false);
  EXPECT_EQ(m["fit_rows"], m["feature_rows"]);
  EXPECT_FALSE(m.contains("event_recall"));
  EXPECT_EQ(json::parse(result->run.params_json)["fit_rows"], "all_rows");
  EXPECT_NE(result->report_text.find("No failure is on record"), std::string::npos)
      << result->report_text;
}

TEST_F(TrainJobTest, ReproduceRunRebuildsTheAnomalyModel) {
  OpenWorkspace("home");
  Result<TrainJobResult> result = Train(kForest);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  Result<ReproduceResult> reproduced = ReproduceRun(result->run.id, Context());
  ASSERT_TRUE(reproduced.ok()) << reproduced.status().ToString();
  EXPECT_TRUE(reproduced->identical());
  EXPECT_EQ(reproduced->reproduced_model_digest, result->version.model_digest);
  EXPECT_GE(reproduced->inputs.size(), 7u);
}

TEST_F(TrainJobTest, TooFewHealthyRowsIsAFailedPreconditionThatWritesNothing) {
  OpenWorkspace("home");
  // A 25-day horizon leaves no training row before the split's purge gap.
  Result<TrainJobConfig> config =
      ParseTrainJobConfig(AnomalyConfig(dir_.path(), kPca), "train.yaml", "", fs_);
  ASSERT_TRUE(config.ok());
  config->training.labels.horizon_ms = 25 * kMillisPerDay;
  Result<PreparedTrainJobPtr> prepared = PrepareTrainJob(*config, fs_, Context());
  ASSERT_FALSE(prepared.ok());
  EXPECT_EQ(prepared.status().code(), StatusCode::kFailedPrecondition)
      << prepared.status().ToString();
  Result<std::vector<registry::Run>> runs = registry_->ListRuns({});
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
}

TEST_F(TrainJobTest, BundleOfAnAnomalyVersionCarriesItsKindThresholdAndAlertPolicy) {
  OpenWorkspace("home");
  Random key_random(kSeed);
  const bundle::SigningKey key = bundle::SigningKey::FromRandom(key_random);
  for (const char* body : {kPca, kForest}) {
    Result<TrainJobResult> trained = Train(body);
    ASSERT_TRUE(trained.ok()) << trained.status().ToString();
    const registry::ModelVersion& v = trained->version;
    const std::string ref = "pump-anomaly@" + std::to_string(v.version);
    Result<BuiltBundle> built = BuildBundleForVersion(ref, key, *workspace_, *registry_);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    Result<bundle::VerifiedBundle> verified =
        bundle::VerifyBundle(built->bytes, {key.public_key()});
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    const bundle::Manifest& manifest = verified->manifest;
    EXPECT_EQ(manifest.model_kind, v.kind);
    EXPECT_EQ(verified->scorer->kind(), v.kind);
    EXPECT_DOUBLE_EQ(manifest.threshold, *v.threshold);
    EXPECT_EQ(manifest.alert_policy.k, 2);
    EXPECT_EQ(manifest.alert_policy.n, 3);
    EXPECT_EQ(manifest.alert_policy.cooldown_ms, 12 * kMillisPerHour);
    EXPECT_EQ(manifest.input_schema, v.feature_names);
    EXPECT_EQ(manifest.reference_histograms.size(), v.feature_names.size());
    EXPECT_EQ(manifest.lineage.run_id, trained->run.id);
    EXPECT_EQ(manifest.lineage.model_digest, v.model_digest);

    // The golden rows reach both sides of the threshold.
    const std::string& golden = verified->files.at(manifest.golden_file);
    size_t over = 0, under = 0;
    const std::vector<std::string_view> lines = Split(golden, '\n');
    for (size_t i = 1; i < lines.size(); ++i) {
      if (lines[i].empty()) continue;
      const std::string_view last = lines[i].substr(lines[i].rfind(',') + 1);
      Result<double> score = ParseDouble(last);
      ASSERT_TRUE(score.ok()) << lines[i];
      (*score >= manifest.threshold ? over : under) += 1;
    }
    EXPECT_GT(over, 0u) << v.kind;
    EXPECT_GT(under, 0u) << v.kind;

    Result<BuiltBundle> again = BuildBundleForVersion(ref, key, *workspace_, *registry_);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->bytes, built->bytes) << "the same version and key give the same bytes";
  }
}

}  // namespace
}  // namespace edgeloop::pipeline
