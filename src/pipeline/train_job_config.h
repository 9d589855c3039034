// TrainJobConfig: the YAML file given to `edgeloop train --config FILE`.
//
//   data:     {dir: fleet} | {readings: FILE, events: FILE} | {dataset: NAME}
//   features: the feature spec inline (see features/README.md), or {file: SPEC.yaml}
//   training: labels, split, threshold, alert smoothing and XGBoost parameters
//             (see training/README.md)
//   model:    {name: pump-failure, alias: challenger, kind: xgboost}
//             kind pca or isolation_forest trains an anomaly model instead of the XGBoost tree
//             ensemble, with its fit settings and threshold rule in the same section:
//               {kind: pca, explained_variance: 0.9 | components: 5, limit_quantile: 0.99,
//                threshold: {quantile: 0.995} | {false_alarm_rate: 0.01}, optional factor: 1.2}
//               {kind: isolation_forest, trees: 100, sample_size: 256, seed: 7, threshold: ...}
//             Keys of the other kind are errors. An anomaly model takes labels, split and alert
//             from `training:` (optional then), which must not set xgboost, threshold or
//             validation_fraction: only the tree ensemble uses them.
//
// The config text itself is kept with the run, so `edgeloop runs reproduce` rebuilds from
// exactly what was given. Errors are InvalidArgument "<file>:<line>: <key>: <what is wrong>";
// the inline feature spec keeps the line numbers of the config file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/file_system.h"
#include "base/status.h"
#include "features/feature_spec.h"
#include "pipeline/data_source.h"
#include "training/anomaly_trainer.h"
#include "training/trainer.h"

namespace edgeloop::pipeline {

struct TrainJobConfig {
  std::string text;    // the config file's bytes
  std::string source;  // its path, for messages
  DataSource data;
  features::FeatureSpec spec;
  training::TrainConfig training;
  std::string model_name = "pump-failure";
  std::string alias;  // set on the new version when not empty
  // Set for kind pca or isolation_forest; empty for the XGBoost tree ensemble (the default).
  std::optional<training::AnomalyModelConfig> anomaly;

  // "xgboost", "pca" or "isolation_forest", as the config's model.kind says.
  std::string model_kind() const;
};

// Parses `text`; `data_override_dir`, when not empty, replaces the `data` section (the CLI's
// --data DIR). Feature spec files named by `features: {file: ...}` are read through `fs`,
// unless `recorded_spec` is given (a reproduction uses the spec its run recorded).
Result<TrainJobConfig> ParseTrainJobConfig(std::string text, std::string source,
                                           const std::string& data_override_dir, FileSystem& fs,
                                           const features::FeatureSpec* recorded_spec = nullptr);

}  // namespace edgeloop::pipeline
