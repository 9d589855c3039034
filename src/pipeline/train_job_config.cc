#include "pipeline/train_job_config.h"

#include <yaml-cpp/yaml.h>

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

Status ParseModel(const YAML::Node& node, const std::string& source, TrainJobConfig* config) {
  if (!node.IsMap()) return AtNode(source, node, "model: expected a mapping with name and alias");
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (key == "name") {
      config->model_name = kv.second.as<std::string>();
    } else if (key == "alias") {
      config->alias = kv.second.as<std::string>();
    } else {
      return AtNode(source, kv.first, "model: unknown key '" + key + "' (expected name or alias)");
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

  YAML::Node training = root["training"];
  if (!training) return InvalidArgument(source + ": no training section");
  YAML::Node wrapper;
  wrapper["training"] = training;
  EL_ASSIGN_OR_RETURN(config.training, training::ParseTrainConfig(wrapper, source));
  config.training.labels.window_length_ms = config.spec.window_length_ms;

  if (root["model"]) EL_RETURN_IF_ERROR(ParseModel(root["model"], source, &config));
  config.text = std::move(text);
  config.source = std::move(source);
  return config;
}

}  // namespace

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
