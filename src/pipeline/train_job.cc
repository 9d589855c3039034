#include "pipeline/train_job.h"

#include <climits>
#include <cstdlib>
#include <optional>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/build_info.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "drift/reference_histogram.h"
#include "features/window_extractor.h"
#include "pipeline/data_source.h"
#include "pipeline/train_job_anomaly.h"
#include "training/anomaly_trainer.h"
#include "training/dataset.h"
#include "training/trainer.h"

namespace edgeloop::pipeline {
namespace {

using nlohmann::json;

double Seconds(const Clock& clock, int64_t since_nanos) {
  return static_cast<double>(clock.MonotonicNanos() - since_nanos) / 1e9;
}

// An absolute path, so a reproduction from another directory reads the same files.
std::string Absolute(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return path;
  std::string out = resolved;
  std::free(resolved);
  return out;
}

json DataSourceJson(const DataSource& source) {
  json j = json::object();
  if (!source.dataset.empty()) {
    j["dataset"] = source.dataset;
  } else {
    j["readings"] = Absolute(source.readings_path);
    j["events"] = Absolute(source.events_path);
    if (!source.waveforms_path.empty()) j["waveforms"] = Absolute(source.waveforms_path);
  }
  return j;
}

DataSource DataSourceFromJson(const json& j) {
  DataSource source;
  source.dataset = j.value("dataset", "");
  source.readings_path = j.value("readings", "");
  source.events_path = j.value("events", "");
  source.waveforms_path = j.value("waveforms", "");
  return source;
}

std::string PredictionsCsv(const std::vector<training::Prediction>& predictions) {
  std::string out = "asset,window_end,score,label\n";
  for (const training::Prediction& p : predictions) {
    out += p.asset + "," + FormatTimestamp(p.time_ms) + "," + FormatDouble(p.score) + "," +
           FormatDouble(p.label) + "\n";
  }
  return out;
}

std::string ModelKind(const training::TrainResult& trained) {
  return "xgboost:" + trained.params.objective;
}

}  // namespace

// Everything computed from the inputs, before anything is written.
struct PreparedTrainJob {
  LoadedData data;
  features::FeatureTable table;
  training::TrainResult trained;                        // the tree ensemble, or
  std::optional<training::AnomalyTrainResult> anomaly;  // an anomaly model (config.anomaly)
  double seconds_features = 0;
  double seconds_training = 0;
};

void PreparedTrainJobDeleter::operator()(PreparedTrainJob* job) const { delete job; }

namespace {

using Built = PreparedTrainJob;

Result<Built> Build(const TrainJobConfig& config, FileSystem& fs, const TrainJobContext& context) {
  Built built;
  Clock& clock = *context.clock;
  if (context.progress) context.progress("read data", 0, 1);
  EL_ASSIGN_OR_RETURN(built.data,
                      LoadData(config.data, fs, context.workspace, context.registry));
  EL_RETURN_IF_ERROR(config.spec.ValidateAgainst(built.data.signals, config.source));

  int64_t t0 = clock.MonotonicNanos();
  const size_t n_assets = built.data.readings.size();
  for (size_t i = 0; i < n_assets; ++i) {
    if (context.progress) context.progress("extract features", i, n_assets);
    const AssetReadings& asset = built.data.readings[i];
    Result<features::FeatureTable> part =
        features::ExtractFeatures(config.spec, asset, built.data.waveforms);
    if (!part.ok()) return part.status().WithContext(built.data.readings_origin);
    if (i == 0) {
      built.table = std::move(part).value();
    } else {
      built.table.Append(*part);
    }
  }
  if (context.progress) context.progress("extract features", n_assets, n_assets);
  built.seconds_features = Seconds(clock, t0);

  t0 = clock.MonotonicNanos();
  if (context.progress) context.progress("train", 0, 1);
  if (config.anomaly.has_value()) {
    Result<training::AnomalyTrainResult> trained = training::TrainAnomaly(
        built.table, built.data.events, config.training, *config.anomaly);
    if (!trained.ok()) return trained.status().WithContext(built.data.events_origin);
    built.anomaly = std::move(trained).value();
  } else {
    Result<training::TrainResult> trained =
        training::Train(built.table, built.data.events, config.training);
    if (!trained.ok()) {
      // Event-level messages name "events[i]"; say which file they came from.
      return trained.status().WithContext(built.data.events_origin);
    }
    built.trained = std::move(trained).value();
  }
  if (context.progress) context.progress("train", 1, 1);
  built.seconds_training = Seconds(clock, t0);
  return built;
}

// What every train run records as params; each kind adds its own.
json CommonParamsJson(const TrainJobConfig& config, const Built& built) {
  json params;
  params["data"] = DataSourceJson(config.data);
  params["asset_digests"] = built.data.asset_digests;
  params["model"] = {{"name", config.model_name}, {"alias", config.alias}};
  params["task"] = std::string(training::TaskName(config.training.task));
  params["horizon"] = FormatDuration(config.training.labels.horizon_ms);
  params["window"] = {{"length", FormatDuration(config.spec.window_length_ms)},
                      {"hop", FormatDuration(config.spec.hop_ms)}};
  return params;
}

json ParamsJson(const TrainJobConfig& config, const Built& built) {
  const training::XgbParams& p = built.trained.params;
  json params = CommonParamsJson(config, built);
  params["xgboost"] = {{"objective", p.objective},       {"num_rounds", p.num_rounds},
                       {"max_depth", p.max_depth},       {"eta", p.eta},
                       {"subsample", p.subsample},       {"colsample_bytree", p.colsample_bytree},
                       {"min_child_weight", p.min_child_weight},
                       {"scale_pos_weight", p.scale_pos_weight},
                       {"tree_method", p.tree_method}};
  params["threshold"] = {{"value", built.trained.threshold},
                         {"reason", built.trained.threshold_choice.reason}};
  return params;
}

constexpr int kReferenceBins = 10;

// The training distribution of every feature (rows outside the test set), for drift: the
// reference devices count their windows into, shipped in bundles.
json ReferenceJson(const Built& built) {
  std::set<std::pair<std::string, int64_t>> test_rows;
  for (const training::Prediction& p : built.trained.test_predictions) {
    test_rows.insert({p.asset, p.time_ms});
  }
  const features::FeatureTable& table = built.table;
  std::vector<size_t> rows;
  for (size_t r = 0; r < table.rows(); ++r) {
    if (!test_rows.count({table.asset[r], table.window_end_ms[r]})) rows.push_back(r);
  }
  json out = json::array();
  std::vector<double> values(rows.size());
  for (size_t c = 0; c < table.cols(); ++c) {
    for (size_t i = 0; i < rows.size(); ++i) values[i] = table.at(rows[i], c);
    drift::ReferenceHistogram h =
        drift::BuildReferenceHistogram(table.columns[c], values, kReferenceBins);
    out.push_back({{"feature", h.feature}, {"edges", h.edges}, {"counts", h.counts},
                   {"missing", h.missing}});
  }
  return json{{"rows", rows.size()}, {"histograms", out}};
}

json MetricsJson(const Built& built) {
  json metrics = training::ToJson(built.trained.report);
  metrics["feature_rows"] = built.table.rows();
  metrics["features"] = built.table.cols();
  metrics["assets"] = built.data.readings.size();
  return metrics;
}

// What a run stores and a reproduction compares, whichever kind of model was trained.
struct Outputs {
  std::string kind;  // the registry's model kind
  const std::string* model_json = nullptr;
  std::string model_digest;
  std::string dataset_digest;
  const std::vector<training::Prediction>* test_predictions = nullptr;
  std::vector<std::string> feature_names;
  std::optional<double> threshold;
  json params;
  json metrics;
  json reference;
  json summary;  // what `edgeloop train --json` prints as metrics
  std::string report_text;
  uint64_t seed = 0;
  int nthread = 1;
  json library_versions;
};

Outputs TreeOutputs(const TrainJobConfig& config, const Built& built) {
  const training::TrainResult& t = built.trained;
  Outputs out;
  out.kind = ModelKind(t);
  out.model_json = &t.model_json;
  out.model_digest = t.model_digest;
  out.dataset_digest = t.dataset_digest;
  out.test_predictions = &t.test_predictions;
  out.feature_names = t.feature_names;
  if (config.training.task == training::Task::kClassification) out.threshold = t.threshold;
  out.params = ParamsJson(config, built);
  out.metrics = MetricsJson(built);
  out.reference = ReferenceJson(built);
  out.summary = training::ToJson(t.report);
  out.report_text = training::RenderReport(t.report);
  out.seed = t.params.seed;
  out.nthread = t.params.nthread;
  out.library_versions = json{{"xgboost", t.xgboost_version}, {"compiler", __VERSION__}};
  return out;
}

Outputs AnomalyOutputs(const TrainJobConfig& config, const Built& built) {
  const training::AnomalyTrainResult& a = *built.anomaly;
  Outputs out;
  out.kind = std::string(training::AnomalyKindName(a.kind));
  out.model_json = &a.model_json;
  out.model_digest = a.model_digest;
  out.dataset_digest = a.dataset_digest;
  out.test_predictions = &a.test_predictions;
  out.feature_names = a.feature_names;
  out.threshold = a.threshold;
  out.params = CommonParamsJson(config, built);
  out.params.update(AnomalyParamsJson(config, a));  // its "model" names the kind and settings
  out.metrics = AnomalyMetricsJson(config, a);
  out.metrics["feature_rows"] = built.table.rows();
  out.metrics["features"] = built.table.cols();
  out.metrics["assets"] = built.data.readings.size();
  out.reference = AnomalyReferenceJson(built.table, a);
  out.summary = out.metrics;
  out.report_text = RenderAnomalyReport(config, a);
  out.seed = config.anomaly->kind == training::AnomalyKind::kIsolationForest
                 ? config.anomaly->isolation_forest.seed
                 : config.training.split.seed;
  out.nthread = 1;
  out.library_versions = json{{"compiler", __VERSION__}};
  return out;
}

Outputs OutputsOf(const TrainJobConfig& config, const Built& built) {
  return built.anomaly.has_value() ? AnomalyOutputs(config, built) : TreeOutputs(config, built);
}

}  // namespace

Result<PreparedTrainJobPtr> PrepareTrainJob(const TrainJobConfig& config, FileSystem& fs,
                                            const TrainJobContext& context) {
  EL_ASSIGN_OR_RETURN(Built built, Build(config, fs, context));
  return PreparedTrainJobPtr(new PreparedTrainJob(std::move(built)));
}

Result<TrainJobResult> RunTrainJob(const TrainJobConfig& config, const TrainJobContext& context) {
  EL_ASSIGN_OR_RETURN(PreparedTrainJobPtr prepared,
                      PrepareTrainJob(config, context.workspace->fs(), context));
  return RecordTrainJob(config, std::move(prepared), context);
}

Result<TrainJobResult> RecordTrainJob(const TrainJobConfig& config, PreparedTrainJobPtr prepared,
                                      const TrainJobContext& context) {
  EL_CHECK(prepared != nullptr && context.workspace != nullptr && context.registry != nullptr);
  const Built& built = *prepared;
  const Outputs out = OutputsOf(config, built);
  store::ArtifactStore& artifacts = context.workspace->artifacts();
  registry::Registry& registry = *context.registry;

  // Inputs are good: from here on we write.
  EL_ASSIGN_OR_RETURN(std::string model_digest, artifacts.Put(*out.model_json));
  EL_CHECK(model_digest == out.model_digest);
  json report = out.metrics;
  report["text"] = out.report_text;
  EL_ASSIGN_OR_RETURN(std::string report_digest, artifacts.Put(report.dump(2)));
  EL_ASSIGN_OR_RETURN(std::string predictions_digest,
                      artifacts.Put(PredictionsCsv(*out.test_predictions)));
  EL_ASSIGN_OR_RETURN(std::string reference_digest, artifacts.Put(out.reference.dump()));
  // The canonical spec, stored under its own digest, is what a reproduction extracts with.
  EL_ASSIGN_OR_RETURN(std::string spec_digest, artifacts.Put(config.spec.ToYaml()));
  EL_CHECK(spec_digest == config.spec.Digest());

  registry::RunSpec spec;
  spec.kind = "train";
  spec.config_text = config.text;
  if (!built.data.waveforms_digest.empty()) {
    spec.inputs["waveforms"] = built.data.waveforms_digest;
  }
  spec.inputs.insert({{"readings", built.data.readings_digest},
                 {"events", built.data.events_digest},
                 {"feature_spec", config.spec.Digest()},
                 {"dataset", out.dataset_digest},
                 {"predictions", predictions_digest},
                 {"reference", reference_digest}});
  spec.params_json = out.params.dump();
  spec.seed = out.seed;
  spec.nthread = out.nthread;
  spec.code_version = CodeVersion();
  spec.library_versions_json = out.library_versions.dump();
  spec.trigger = context.trigger;
  EL_ASSIGN_OR_RETURN(registry::Run run, registry.CreateRun(spec));

  registry::RunOutcome outcome;
  outcome.metrics_json = out.metrics.dump();
  outcome.model_digest = model_digest;
  outcome.report_digest = report_digest;
  EL_ASSIGN_OR_RETURN(run, registry.FinishRun(run.id, outcome));

  registry::NewModelVersion version_spec;
  version_spec.model = config.model_name;
  version_spec.kind = out.kind;
  version_spec.model_digest = model_digest;
  version_spec.feature_names = out.feature_names;
  version_spec.threshold = out.threshold;
  version_spec.metrics_json = out.metrics.dump();
  version_spec.source_run_id = run.id;
  EL_ASSIGN_OR_RETURN(registry::ModelVersion version, registry.CreateModelVersion(version_spec));
  if (!config.alias.empty()) {
    EL_RETURN_IF_ERROR(registry.SetAlias(config.model_name, config.alias, version.version));
    EL_ASSIGN_OR_RETURN(version, registry.GetModelVersion(config.model_name, version.version));
  }
  if (context.log) {
    context.log->Info("run " + run.id + " registered " + config.model_name + " version " +
                      std::to_string(version.version));
  }

  TrainJobResult result;
  result.run = std::move(run);
  result.version = std::move(version);
  if (built.anomaly.has_value()) {
    result.report = built.anomaly->report;
  } else {
    result.report = built.trained.report;
  }
  result.report_text = out.report_text;
  result.summary_json = out.summary.dump();
  result.feature_rows = built.table.rows();
  result.assets = built.data.readings.size();
  result.seconds_features = built.seconds_features;
  result.seconds_training = built.seconds_training;
  return result;
}

bool ReproduceResult::identical() const {
  for (const InputComparison& input : inputs) {
    if (!input.same()) return false;
  }
  return recorded_model_digest == reproduced_model_digest;
}

Result<ReproduceResult> ReproduceRun(const std::string& run_id, const TrainJobContext& context) {
  EL_ASSIGN_OR_RETURN(registry::Run run, context.registry->GetRun(run_id));
  if (run.kind != "train") {
    return FailedPrecondition("run " + run_id + " is a " + run.kind + " run; only train runs can be reproduced");
  }
  if (run.status != registry::RunStatus::kFinished) {
    return FailedPrecondition("run " + run_id + " did not finish; there is no model to compare with");
  }
  json params = json::parse(run.params_json, nullptr, /*allow_exceptions=*/false);
  if (params.is_discarded() || !params.contains("data")) {
    return DataLoss("run " + run_id + ": its recorded params do not say where its data came from");
  }
  auto spec_input = run.inputs.find("feature_spec");
  if (spec_input == run.inputs.end()) {
    return DataLoss("run " + run_id + ": its record has no feature spec digest");
  }
  Result<std::string> spec_text = context.workspace->artifacts().Get(spec_input->second);
  if (!spec_text.ok()) return spec_text.status().WithContext("run " + run_id + ": feature spec");
  EL_ASSIGN_OR_RETURN(features::FeatureSpec recorded_spec,
                      features::FeatureSpec::Parse(*spec_text, "run " + run_id + " feature spec"));
  FileSystem& fs = context.workspace->fs();
  EL_ASSIGN_OR_RETURN(TrainJobConfig config,
                      ParseTrainJobConfig(run.config_text, "run " + run_id + " config", "", fs,
                                          &recorded_spec));
  config.data = DataSourceFromJson(params["data"]);
  EL_ASSIGN_OR_RETURN(Built built, Build(config, fs, context));
  const Outputs out = OutputsOf(config, built);

  ReproduceResult result;
  result.run_id = run_id;
  auto compare = [&](const std::string& name, const std::string& now) {
    auto it = run.inputs.find(name);
    result.inputs.push_back({name, it == run.inputs.end() ? "" : it->second, now});
  };
  compare("readings", built.data.readings_digest);
  compare("events", built.data.events_digest);
  if (!built.data.waveforms_digest.empty() || run.inputs.count("waveforms")) {
    compare("waveforms", built.data.waveforms_digest);
  }
  compare("feature_spec", config.spec.Digest());
  compare("dataset", out.dataset_digest);
  compare("predictions", Sha256Hex(PredictionsCsv(*out.test_predictions)));
  if (run.inputs.count("reference")) compare("reference", Sha256Hex(out.reference.dump()));
  // Per asset, so a changed reading is traced to its asset.
  if (params.contains("asset_digests") && params["asset_digests"].is_object()) {
    std::map<std::string, std::string> recorded =
        params["asset_digests"].get<std::map<std::string, std::string>>();
    for (const auto& [asset, digest] : recorded) {
      auto it = built.data.asset_digests.find(asset);
      result.inputs.push_back({"readings of asset " + asset, digest,
                               it == built.data.asset_digests.end() ? "(missing)" : it->second});
    }
    for (const auto& [asset, digest] : built.data.asset_digests) {
      if (!recorded.count(asset)) {
        result.inputs.push_back({"readings of asset " + asset, "(absent)", digest});
      }
    }
  }
  result.recorded_model_digest = run.model_digest;
  result.reproduced_model_digest = out.model_digest;
  result.recorded_code_version = run.code_version;
  result.code_version = CodeVersion();
  return result;
}

}  // namespace edgeloop::pipeline
