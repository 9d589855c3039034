#include "registry/record_json.h"

#include <nlohmann/json.hpp>

#include "base/time_format.h"

namespace edgeloop::registry {
namespace {

using nlohmann::json;

// Stored JSON text is canonical; should it ever not parse, it is shown as a string rather than
// dropped.
json EmbeddedJson(const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? json(text) : parsed;
}

void PutTime(json& out, const std::string& key, int64_t millis, bool set) {
  out[key + "_ms"] = set ? json(millis) : json(nullptr);
  out[key] = set ? json(FormatTimestamp(millis)) : json(nullptr);
}

json OrNull(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

}  // namespace

json RunToJson(const Run& run) {
  json out = json::object();
  out["id"] = run.id;
  out["kind"] = run.kind;
  out["status"] = std::string(RunStatusName(run.status));
  PutTime(out, "started", run.started_ms, true);
  PutTime(out, "finished", run.finished_ms, run.status != RunStatus::kRunning);
  out["config_text"] = run.config_text;
  out["config_digest"] = run.config_digest;
  out["inputs"] = json(run.inputs);
  out["params"] = EmbeddedJson(run.params_json);
  out["seed"] = run.seed;
  out["nthread"] = run.nthread;
  out["code_version"] = run.code_version;
  out["library_versions"] = EmbeddedJson(run.library_versions_json);
  out["metrics"] = EmbeddedJson(run.metrics_json);
  out["model_digest"] = OrNull(run.model_digest);
  out["report_digest"] = OrNull(run.report_digest);
  out["error"] = OrNull(run.error);
  out["trigger"] = run.trigger;
  return out;
}

json ModelToJson(const Model& model) {
  json out = json::object();
  out["name"] = model.name;
  out["description"] = model.description;
  PutTime(out, "created", model.created_ms, true);
  PutTime(out, "updated", model.updated_ms, true);
  out["latest_version"] = model.latest_version == 0 ? json(nullptr) : json(model.latest_version);
  out["aliases"] = json(model.aliases);
  return out;
}

json ModelVersionToJson(const ModelVersion& version) {
  json out = json::object();
  out["model"] = version.model;
  out["version"] = version.version;
  out["kind"] = version.kind;
  out["model_digest"] = version.model_digest;
  out["feature_names"] = json(version.feature_names);
  out["threshold"] = version.threshold.has_value() ? json(*version.threshold) : json(nullptr);
  out["metrics"] = EmbeddedJson(version.metrics_json);
  out["source_run_id"] = OrNull(version.source_run_id);
  out["source"] = version.source;
  PutTime(out, "created", version.created_ms, true);
  out["validation_report_digest"] = OrNull(version.validation_report_digest);
  out["aliases"] = json(version.aliases);
  return out;
}

json DatasetToJson(const Dataset& dataset) {
  json out = json::object();
  out["id"] = dataset.id;
  out["name"] = dataset.name;
  out["kind"] = std::string(DatasetKindName(dataset.kind));
  out["digest"] = dataset.digest;
  out["rows"] = dataset.rows;
  out["assets"] = dataset.assets;
  PutTime(out, "start", dataset.start_ms.value_or(0), dataset.start_ms.has_value());
  PutTime(out, "end", dataset.end_ms.value_or(0), dataset.end_ms.has_value());
  out["source_file"] = dataset.source_file;
  PutTime(out, "created", dataset.created_ms, true);
  return out;
}

json LineageToJson(const Lineage& lineage) {
  json out = json::object();
  out["version"] = ModelVersionToJson(lineage.version);
  out["run"] = lineage.run.has_value() ? RunToJson(*lineage.run) : json(nullptr);
  return out;
}

}  // namespace edgeloop::registry
