#include "pipeline/train_job.h"

#include <climits>
#include <cstdlib>
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
  training::TrainResult trained;
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
  Result<training::TrainResult> trained =
      training::Train(built.table, built.data.events, config.training);
  if (!trained.ok()) {
    // Event-level messages name "events[i]"; say which file they came from.
    return trained.status().WithContext(built.data.events_origin);
  }
  built.trained = std::move(trained).value();
  if (context.progress) context.progress("train", 1, 1);
  built.seconds_training = Seconds(clock, t0);
  return built;
}

json ParamsJson(const TrainJobConfig& config, const Built& built) {
  const training::XgbParams& p = built.trained.params;
  json params;
  params["data"] = DataSourceJson(config.data);
  params["asset_digests"] = built.data.asset_digests;
  params["model"] = {{"name", config.model_name}, {"alias", config.alias}};
  params["task"] = std::string(training::TaskName(config.training.task));
  params["horizon"] = FormatDuration(config.training.labels.horizon_ms);
  params["window"] = {{"length", FormatDuration(config.spec.window_length_ms)},
                      {"hop", FormatDuration(config.spec.hop_ms)}};
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
  store::ArtifactStore& artifacts = context.workspace->artifacts();
  registry::Registry& registry = *context.registry;

  // Inputs are good: from here on we write.
  EL_ASSIGN_OR_RETURN(std::string model_digest, artifacts.Put(built.trained.model_json));
  EL_CHECK(model_digest == built.trained.model_digest);
  const json metrics = MetricsJson(built);
  json report = metrics;
  report["text"] = training::RenderReport(built.trained.report);
  EL_ASSIGN_OR_RETURN(std::string report_digest, artifacts.Put(report.dump(2)));
  EL_ASSIGN_OR_RETURN(std::string predictions_digest,
                      artifacts.Put(PredictionsCsv(built.trained.test_predictions)));
  EL_ASSIGN_OR_RETURN(std::string reference_digest, artifacts.Put(ReferenceJson(built).dump()));
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
                 {"dataset", built.trained.dataset_digest},
                 {"predictions", predictions_digest},
                 {"reference", reference_digest}});
  spec.params_json = ParamsJson(config, built).dump();
  spec.seed = built.trained.params.seed;
  spec.nthread = built.trained.params.nthread;
  spec.code_version = CodeVersion();
  spec.library_versions_json =
      json{{"xgboost", built.trained.xgboost_version}, {"compiler", __VERSION__}}.dump();
  spec.trigger = context.trigger;
  EL_ASSIGN_OR_RETURN(registry::Run run, registry.CreateRun(spec));

  registry::RunOutcome outcome;
  outcome.metrics_json = metrics.dump();
  outcome.model_digest = model_digest;
  outcome.report_digest = report_digest;
  EL_ASSIGN_OR_RETURN(run, registry.FinishRun(run.id, outcome));

  registry::NewModelVersion version_spec;
  version_spec.model = config.model_name;
  version_spec.kind = ModelKind(built.trained);
  version_spec.model_digest = model_digest;
  version_spec.feature_names = built.trained.feature_names;
  if (config.training.task == training::Task::kClassification) {
    version_spec.threshold = built.trained.threshold;
  }
  version_spec.metrics_json = metrics.dump();
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
  result.report = built.trained.report;
  result.report_text = training::RenderReport(built.trained.report);
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
  compare("dataset", built.trained.dataset_digest);
  compare("predictions", Sha256Hex(PredictionsCsv(built.trained.test_predictions)));
  if (run.inputs.count("reference")) compare("reference", Sha256Hex(ReferenceJson(built).dump()));
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
  result.reproduced_model_digest = built.trained.model_digest;
  result.recorded_code_version = run.code_version;
  result.code_version = CodeVersion();
  return result;
}

}  // namespace edgeloop::pipeline
