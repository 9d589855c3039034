#include "pipeline/train_job_config.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "base/file_system.h"
#include "base/strings.h"

namespace edgeloop::pipeline {
namespace {

Status AtNode(const std::string& source, const YAML::Node& node, const std::string& message) {
  return InvalidArgument(source + ":" + std::to_string(node.Mark().line + 1) + ": " + message);
}

// The lines of the top-level `key:` block of `text`, with every other line blanked, so a parser
// of the block reports the line numbers of the whole file.
std::string IsolateTopLevelBlock(std::string_view text, std::string_view key) {
  std::string out;
  bool inside = false;
  for (std::string_view line : Split(text, '\n')) {
    const bool top_level = !line.empty() && line[0] != ' ' && line[0] != '\t' && line[0] != '#';
    if (top_level) inside = StartsWith(line, std::string(key) + ":");
    if (inside) {
      if (top_level) {
        out += "\n";  // the key line itself: the block's content is below it
      } else {
        // Dedent by two spaces at most so the block parses as a top-level mapping.
        size_t cut = 0;
        while (cut < 2 && cut < line.size() && line[cut] == ' ') ++cut;
        out += std::string(line.substr(cut)) + "\n";
      }
    } else {
      out += "\n";
    }
  }
  return out;
}

Status ParseData(const YAML::Node& node, const std::string& source, DataSource* data) {
  if (!node.IsMap()) return AtNode(source, node, "data: expected a mapping with dir, readings/events or dataset");
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (key != "dir" && key != "readings" && key != "events" && key != "waveforms" &&
        key != "dataset") {
      return AtNode(source, kv.first, "data: unknown key '" + key +
                                          "' (expected dir, readings, events, waveforms or dataset)");
    }
  }
  if (node["dir"]) {
    *data = DataSourceFromDir(node["dir"].as<std::string>());
  }
  if (node["readings"]) data->readings_path = node["readings"].as<std::string>();
  if (node["events"]) data->events_path = node["events"].as<std::string>();
  if (node["waveforms"]) data->waveforms_path = node["waveforms"].as<std::string>();
  if (node["dataset"]) data->dataset = node["dataset"].as<std::string>();
  if (data->dataset.empty() && data->readings_path.empty()) {
    return AtNode(source, node, "data: name a dir, a readings file or a dataset");
  }
  if (!data->dataset.empty() && !data->readings_path.empty()) {
    return AtNode(source, node, "data: give either a dataset or files, not both");
  }
  if (data->dataset.empty() && data->events_path.empty()) {
    return AtNode(source, node, "data: an events file is needed to label failures");
  }
  return Status::Ok();
}

// The scalar of `node` as a finite number, or an error naming `key` at its line.
Result<double> NumberAt(const std::string& source, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) return AtNode(source, node, key + ": expected a number");
  Result<double> v = ParseDouble(node.Scalar());
  if (!v.ok() || !std::isfinite(*v)) {
    return AtNode(source, node, key + ": '" + node.Scalar() + "' is not a number");
  }
  return *v;
}

Result<int64_t> IntAt(const std::string& source, const YAML::Node& node, const std::string& key,
                      int64_t lo, int64_t hi) {
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  Result<int64_t> v = ParseInt(text);
  if (!node.IsScalar() || !v.ok() || *v < lo || *v > hi) {
    return AtNode(source, node, key + ": '" + text + "' is not a whole number from " +
                                    std::to_string(lo) + " to " + std::to_string(hi));
  }
  return *v;
}

// A number in (0, 1] (or [0, 1) when `closed_low`), for shares, quantiles and rates.
Result<double> ShareAt(const std::string& source, const YAML::Node& node, const std::string& key,
                       bool closed_low) {
  EL_ASSIGN_OR_RETURN(double v, NumberAt(source, node, key));
  const bool ok = closed_low ? (v >= 0 && v < 1) : (v > 0 && v <= 1);
  if (!ok) {
    return AtNode(source, node,
                  key + ": expected a number in " + (closed_low ? "[0, 1)" : "(0, 1]"));
  }
  return v;
}

const std::vector<std::string> kPcaKeys = {"components", "explained_variance", "limit_quantile",
                                           "threshold"};
const std::vector<std::string> kForestKeys = {"trees", "sample_size", "seed", "threshold"};

bool Contains(const std::vector<std::string>& keys, const std::string& key) {
  for (const std::string& k : keys) {
    if (k == key) return true;
  }
  return false;
}

// threshold: {quantile: Q} | {false_alarm_rate: R}, each with an optional factor.
Status ParseAnomalyThreshold(const YAML::Node& node, const std::string& source,
                             training::AnomalyThresholdConfig* t) {
  if (!node.IsMap()) {
    return AtNode(source, node, "model.threshold: expected {quantile: Q} or {false_alarm_rate: R}");
  }
  bool rule_set = false;
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (key == "quantile" || key == "false_alarm_rate") {
      if (rule_set) {
        return AtNode(source, kv.first,
                      "model.threshold: give either quantile or false_alarm_rate, not both");
      }
      rule_set = true;
      if (key == "quantile") {
        t->rule = training::AnomalyThresholdRule::kQuantile;
        EL_ASSIGN_OR_RETURN(t->quantile, ShareAt(source, kv.second, "model.threshold.quantile",
                                                 /*closed_low=*/false));
      } else {
        t->rule = training::AnomalyThresholdRule::kFalseAlarmRate;
        EL_ASSIGN_OR_RETURN(t->false_alarm_rate,
                            ShareAt(source, kv.second, "model.threshold.false_alarm_rate",
                                    /*closed_low=*/true));
      }
    } else if (key == "factor") {
      EL_ASSIGN_OR_RETURN(t->factor, NumberAt(source, kv.second, "model.threshold.factor"));
      if (!(t->factor > 0)) {
        return AtNode(source, kv.second, "model.threshold.factor: expected more than 0");
      }
    } else {
      return AtNode(source, kv.first, "model.threshold: unknown key '" + key +
                                          "' (expected quantile, false_alarm_rate or factor)");
    }
  }
  if (!rule_set) {
    return AtNode(source, node, "model.threshold: expected quantile or false_alarm_rate");
  }
  return Status::Ok();
}

// One fit setting (or the threshold) of an anomaly model.
Status ParseAnomalyKey(const std::string& key, const YAML::Node& v, const std::string& source,
                       training::AnomalyModelConfig* m) {
  const std::string name = "model." + key;
  if (key == "threshold") return ParseAnomalyThreshold(v, source, &m->threshold);
  if (key == "components") {
    EL_ASSIGN_OR_RETURN(int64_t n, IntAt(source, v, name, 0, 100000));
    m->pca.components = static_cast<int>(n);
  } else if (key == "explained_variance") {
    EL_ASSIGN_OR_RETURN(m->pca.explained_variance, ShareAt(source, v, name, false));
  } else if (key == "limit_quantile") {
    EL_ASSIGN_OR_RETURN(m->pca.limit_quantile, ShareAt(source, v, name, false));
  } else if (key == "trees") {
    EL_ASSIGN_OR_RETURN(int64_t n, IntAt(source, v, name, 1, 100000));
    m->isolation_forest.trees = static_cast<int>(n);
  } else if (key == "sample_size") {
    EL_ASSIGN_OR_RETURN(int64_t n, IntAt(source, v, name, 2, 1 << 24));
    m->isolation_forest.sample_size = static_cast<int>(n);
  } else {
    EL_ASSIGN_OR_RETURN(int64_t seed, IntAt(source, v, name, 0, INT64_MAX));
    m->isolation_forest.seed = static_cast<uint64_t>(seed);
  }
  return Status::Ok();
}

Status ParseModel(const YAML::Node& node, const std::string& source, TrainJobConfig* config) {
  if (!node.IsMap()) {
    return AtNode(source, node, "model: expected a mapping with name, alias and kind");
  }
  std::string kind = "xgboost";
  if (const YAML::Node k = node["kind"]) {
    if (!k.IsScalar()) {
      return AtNode(source, k, "model.kind: expected xgboost, pca or isolation_forest");
    }
    kind = k.Scalar();
    training::AnomalyModelConfig anomaly;
    if (training::ParseAnomalyKind(kind, &anomaly.kind)) {
      config->anomaly = anomaly;
    } else if (kind != "xgboost") {
      return AtNode(source, k,
                    "model.kind: '" + kind + "' is not xgboost, pca or isolation_forest");
    }
  }
  const std::vector<std::string>* own = kind == "pca"                ? &kPcaKeys
                                        : kind == "isolation_forest" ? &kForestKeys
                                                                     : nullptr;
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (key == "name") {
      config->model_name = kv.second.as<std::string>();
    } else if (key == "alias") {
      config->alias = kv.second.as<std::string>();
    } else if (key == "kind") {
      continue;
    } else if (own != nullptr && Contains(*own, key)) {
      EL_RETURN_IF_ERROR(ParseAnomalyKey(key, kv.second, source, &*config->anomaly));
    } else if (Contains(kPcaKeys, key) || Contains(kForestKeys, key)) {
      const std::string owner = key == "threshold" ? "pca and isolation_forest"
                                : Contains(kPcaKeys, key) ? "pca" : "isolation_forest";
      return AtNode(source, kv.first,
                    "model: '" + key + "' applies to kind " + owner + ", not " + kind +
                        (kind == "xgboost" ? " (tree settings go in training.xgboost and "
                                             "training.threshold)"
                                           : ""));
    } else {
      return AtNode(source, kv.first,
                    "model: unknown key '" + key + "' (expected name, alias, kind" +
                        (own == nullptr ? std::string(")") : ", " + Join(*own, ", ") + ")"));
    }
  }
  return Status::Ok();
}

// An anomaly model takes labels, split and alert from the training section; the keys only the
// tree ensemble uses would be ignored silently, so they are errors.
Status CheckTrainingForAnomaly(const YAML::Node& training, const std::string& source,
                               const std::string& kind) {
  if (!training.IsMap()) return Status::Ok();
  for (const auto& kv : training) {
    const std::string key = kv.first.as<std::string>();
    if (key == "xgboost" || key == "threshold" || key == "validation_fraction") {
      return AtNode(source, kv.first,
                    "training." + key + ": applies to the XGBoost tree ensemble only; model.kind "
                    "is " + kind + " (its fit settings and threshold go in the model section)");
    }
    if (key == "task" && kv.second.IsScalar() && kv.second.Scalar() != "classification") {
      return AtNode(source, kv.second,
                    "training.task: a " + kind + " model warns of failures; '" +
                        kv.second.Scalar() + "' needs the XGBoost tree ensemble");
    }
  }
  return Status::Ok();
}

Result<TrainJobConfig> ParseUnchecked(std::string text, std::string source,
                                      const std::string& data_override_dir, FileSystem& fs,
                                      const features::FeatureSpec* recorded_spec) {
  TrainJobConfig config;
  YAML::Node root = YAML::Load(text);
  if (!root.IsMap()) {
    return InvalidArgument(source + ": expected a mapping with data, features, training and model");
  }
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    if (key != "data" && key != "features" && key != "training" && key != "model") {
      return AtNode(source, kv.first, "unknown section '" + key +
                                          "' (expected data, features, training, model)");
    }
  }
  if (!data_override_dir.empty()) {
    config.data = DataSourceFromDir(data_override_dir);
  } else if (root["data"]) {
    EL_RETURN_IF_ERROR(ParseData(root["data"], source, &config.data));
  } else {
    return InvalidArgument(source + ": no data section (or pass --data DIR)");
  }

  const YAML::Node features = root["features"];
  if (!features) return InvalidArgument(source + ": no features section");
  if (recorded_spec != nullptr) {
    config.spec = *recorded_spec;
  } else if (features.IsMap() && features["file"]) {
    if (features.size() != 1) {
      return AtNode(source, features, "features: give either file or an inline spec, not both");
    }
    EL_ASSIGN_OR_RETURN(config.spec,
                        features::FeatureSpec::Load(fs, features["file"].as<std::string>()));
  } else {
    EL_ASSIGN_OR_RETURN(config.spec,
                        features::FeatureSpec::Parse(IsolateTopLevelBlock(text, "features"), source));
  }

  // A folder written by `edgeloop sim --raw-khz` holds the bursts spectral features need.
  if (!config.spec.spectral.empty() && config.data.waveforms_path.empty() &&
      config.data.dataset.empty()) {
    if (!data_override_dir.empty()) {
      config.data.waveforms_path = JoinPath(data_override_dir, "waveforms.csv");
    } else if (root["data"]["dir"]) {
      config.data.waveforms_path = JoinPath(root["data"]["dir"].as<std::string>(), "waveforms.csv");
    } else {
      return InvalidArgument(source + ": the feature spec has spectral signals; name a waveforms file in data");
    }
  }

  if (root["model"]) EL_RETURN_IF_ERROR(ParseModel(root["model"], source, &config));

  YAML::Node training = root["training"];
  if (config.anomaly.has_value()) {
    EL_RETURN_IF_ERROR(CheckTrainingForAnomaly(training, source, config.model_kind()));
  }
  if (training) {
    YAML::Node wrapper;
    wrapper["training"] = training;
    EL_ASSIGN_OR_RETURN(config.training, training::ParseTrainConfig(wrapper, source));
  } else if (!config.anomaly.has_value()) {
    return InvalidArgument(source + ": no training section");
  }
  config.training.labels.window_length_ms = config.spec.window_length_ms;
  config.text = std::move(text);
  config.source = std::move(source);
  return config;
}

}  // namespace

std::string TrainJobConfig::model_kind() const {
  return anomaly.has_value() ? std::string(training::AnomalyKindName(anomaly->kind)) : "xgboost";
}

Result<TrainJobConfig> ParseTrainJobConfig(std::string text, std::string source,
                                           const std::string& data_override_dir, FileSystem& fs,
                                           const features::FeatureSpec* recorded_spec) {
  try {
    return ParseUnchecked(std::move(text), source, data_override_dir, fs, recorded_spec);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace edgeloop::pipeline
