#include "pipeline/train_job_config.h"

#include <gtest/gtest.h>

#include <string>

#include "base/file_system.h"

namespace edgeloop::pipeline {
namespace {

// A config whose model section is `model_body` (indented lines under "model:") and whose
// training section is `training_body` (none when empty).
std::string Config(const std::string& model_body, const std::string& training_body =
                                                      "  horizon: 48h\n"
                                                      "  split: {by: time, test_fraction: 0.3}\n") {
  std::string text =
      "data:\n"
      "  dir: fleet\n"
      "features:\n"
      "  window: {length: 6h, hop: 2h}\n"
      "  period: 10m\n"
      "  signals:\n"
      "    - {name: temp, functions: [mean, std]}\n"
      "    - {name: vib, functions: [mean, max]}\n";
  if (!training_body.empty()) text += "training:\n" + training_body;
  return text + "model:\n" + model_body;
}

Result<TrainJobConfig> Parse(const std::string& text) {
  PosixFileSystem fs;
  return ParseTrainJobConfig(text, "train.yaml", "", fs);
}

// The 1-based line of `text` holding `needle`.
int LineOf(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  EL_CHECK(at != std::string::npos);
  int line = 1;
  for (size_t i = 0; i < at; ++i) line += text[i] == '\n';
  return line;
}

TEST(TrainJobConfig, WithoutKindTrainsTheTreeEnsemble) {
  Result<TrainJobConfig> config = Parse(Config("  name: pump-failure\n  alias: challenger\n"));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(config->anomaly.has_value());
  EXPECT_EQ(config->model_kind(), "xgboost");
  EXPECT_EQ(config->model_name, "pump-failure");
  EXPECT_EQ(config->alias, "challenger");

  Result<TrainJobConfig> explicit_kind = Parse(Config("  name: pump-failure\n  kind: xgboost\n"));
  ASSERT_TRUE(explicit_kind.ok()) << explicit_kind.status().ToString();
  EXPECT_FALSE(explicit_kind->anomaly.has_value());
}

TEST(TrainJobConfig, PcaTakesItsFitSettingsAndQuantileThreshold) {
  Result<TrainJobConfig> config =
      Parse(Config("  name: pump-anomaly\n"
                   "  kind: pca\n"
                   "  explained_variance: 0.9\n"
                   "  limit_quantile: 0.98\n"
                   "  threshold: {quantile: 0.995, factor: 1.5}\n"));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_TRUE(config->anomaly.has_value());
  EXPECT_EQ(config->model_kind(), "pca");
  const training::AnomalyModelConfig& m = *config->anomaly;
  EXPECT_EQ(m.kind, training::AnomalyKind::kPca);
  EXPECT_DOUBLE_EQ(m.pca.explained_variance, 0.9);
  EXPECT_DOUBLE_EQ(m.pca.limit_quantile, 0.98);
  EXPECT_EQ(m.pca.components, 0);
  EXPECT_EQ(m.threshold.rule, training::AnomalyThresholdRule::kQuantile);
  EXPECT_DOUBLE_EQ(m.threshold.quantile, 0.995);
  EXPECT_DOUBLE_EQ(m.threshold.factor, 1.5);
  EXPECT_EQ(config->training.labels.horizon_ms, 48LL * 3600 * 1000);
  EXPECT_EQ(config->training.labels.window_length_ms, 6LL * 3600 * 1000);
}

TEST(TrainJobConfig, IsolationForestTakesTreesSampleSizeSeedAndFalseAlarmRate) {
  Result<TrainJobConfig> config =
      Parse(Config("  kind: isolation_forest\n"
                   "  trees: 50\n"
                   "  sample_size: 128\n"
                   "  seed: 11\n"
                   "  threshold: {false_alarm_rate: 0.01}\n"));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_TRUE(config->anomaly.has_value());
  EXPECT_EQ(config->model_kind(), "isolation_forest");
  const training::AnomalyModelConfig& m = *config->anomaly;
  EXPECT_EQ(m.isolation_forest.trees, 50);
  EXPECT_EQ(m.isolation_forest.sample_size, 128);
  EXPECT_EQ(m.isolation_forest.seed, 11u);
  EXPECT_EQ(m.threshold.rule, training::AnomalyThresholdRule::kFalseAlarmRate);
  EXPECT_DOUBLE_EQ(m.threshold.false_alarm_rate, 0.01);
  EXPECT_DOUBLE_EQ(m.threshold.factor, 1.0);
}

TEST(TrainJobConfig, AnomalyModelNeedsNoTrainingSection) {
  Result<TrainJobConfig> config = Parse(Config("  kind: pca\n", ""));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->training.labels.horizon_ms, 72LL * 3600 * 1000);  // the default

  Result<TrainJobConfig> tree = Parse(Config("  name: pump-failure\n", ""));
  ASSERT_FALSE(tree.ok());
  EXPECT_NE(tree.status().message().find("no training section"), std::string::npos);
}

TEST(TrainJobConfig, UnknownOrForeignModelKeysNameFileAndLine) {
  const std::string typo = Config("  kind: pca\n  explained_varience: 0.9\n");
  Result<TrainJobConfig> a = Parse(typo);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  const std::string at = "train.yaml:" + std::to_string(LineOf(typo, "explained_varience"));
  EXPECT_NE(a.status().message().find(at + ": model: unknown key 'explained_varience'"),
            std::string::npos)
      << a.status().message();

  const std::string foreign = Config("  kind: pca\n  trees: 100\n");
  Result<TrainJobConfig> b = Parse(foreign);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("train.yaml:" + std::to_string(LineOf(foreign, "trees")) +
                                      ": model: 'trees' applies to kind isolation_forest, not pca"),
            std::string::npos)
      << b.status().message();

  const std::string tree = Config("  name: pump-failure\n  threshold: {quantile: 0.99}\n");
  Result<TrainJobConfig> c = Parse(tree);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("train.yaml:" + std::to_string(LineOf(tree, "threshold")) +
                                      ": model: 'threshold'"),
            std::string::npos)
      << c.status().message();
}

TEST(TrainJobConfig, BadKindAndThresholdValuesAreRejectedAtTheirLine) {
  const std::string kind = Config("  kind: svm\n");
  Result<TrainJobConfig> a = Parse(kind);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("train.yaml:" + std::to_string(LineOf(kind, "svm")) +
                                      ": model.kind: 'svm' is not xgboost, pca or "
                                      "isolation_forest"),
            std::string::npos)
      << a.status().message();

  for (const std::string& threshold :
       {std::string("{quantile: 1.5}"), std::string("{false_alarm_rate: 1}"),
        std::string("{quantile: 0.9, false_alarm_rate: 0.1}"), std::string("{factor: 2}"),
        std::string("{quantile: 0.99, factor: 0}"), std::string("{percentile: 99}")}) {
    const std::string text = Config("  kind: pca\n  threshold: " + threshold + "\n");
    Result<TrainJobConfig> r = Parse(text);
    ASSERT_FALSE(r.ok()) << threshold;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("train.yaml:" +
                                        std::to_string(LineOf(text, "threshold")) +
                                        ": model.threshold"),
              std::string::npos)
        << threshold << ": " << r.status().message();
  }

  for (const std::string& setting :
       {std::string("explained_variance: 0"), std::string("components: -1"),
        std::string("limit_quantile: many")}) {
    const std::string text = Config("  kind: pca\n  " + setting + "\n");
    Result<TrainJobConfig> r = Parse(text);
    ASSERT_FALSE(r.ok()) << setting;
    EXPECT_NE(r.status().message().find("train.yaml:" + std::to_string(LineOf(text, setting)) +
                                        ": model." + setting.substr(0, setting.find(':'))),
              std::string::npos)
        << setting << ": " << r.status().message();
  }
}

TEST(TrainJobConfig, TreeOnlyTrainingKeysAreErrorsForAnomalyModels) {
  for (const std::string& key :
       {std::string("xgboost: {num_rounds: 10}"), std::string("threshold: {policy: cost}"),
        std::string("validation_fraction: 0.2"), std::string("task: rul_regression")}) {
    const std::string text = Config("  kind: pca\n", "  horizon: 48h\n  " + key + "\n");
    Result<TrainJobConfig> r = Parse(text);
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_NE(r.status().message().find("train.yaml:" + std::to_string(LineOf(text, key)) +
                                        ": training."),
              std::string::npos)
        << key << ": " << r.status().message();
    EXPECT_NE(r.status().message().find("pca"), std::string::npos) << r.status().message();
  }
  // The same keys are fine for the tree ensemble.
  Result<TrainJobConfig> tree =
      Parse(Config("  name: pump-failure\n", "  xgboost: {num_rounds: 10}\n"));
  EXPECT_TRUE(tree.ok()) << tree.status().ToString();
}

TEST(TrainJobConfig, ExampleTrainPcaParses) {
  PosixFileSystem fs;
  const std::string path = std::string(EDGELOOP_SOURCE_DIR) + "/examples/train-pca.yaml";
  Result<std::string> text = fs.ReadFile(path);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  Result<TrainJobConfig> config = ParseTrainJobConfig(*text, path, "fleet", fs);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_TRUE(config->anomaly.has_value());
  EXPECT_EQ(config->model_kind(), "pca");
  EXPECT_EQ(config->model_name, "pump-anomaly");
  EXPECT_DOUBLE_EQ(config->anomaly->threshold.quantile, 0.995);
  EXPECT_EQ(config->training.alert.k, 2);
}

}  // namespace
}  // namespace edgeloop::pipeline
