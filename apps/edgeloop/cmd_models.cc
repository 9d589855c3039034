#include "edgeloop/cmd_models.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "edgeloop/cmd_runs.h"
#include "edgeloop/exit_code.h"
#include "registry/record_json.h"
#include "registry/xgboost_import.h"

namespace edgeloop::app {
namespace {

using nlohmann::json;

void WriteJson(std::FILE* out, const json& doc) {
  const std::string text = doc.dump(2, ' ', false, json::error_handler_t::replace);
  std::fprintf(out, "%s\n", text.c_str());
}

void Field(std::FILE* out, const std::string& name, const std::string& value) {
  std::fprintf(out, "%-18s %s\n", name.c_str(), value.c_str());
}

std::string AliasList(const std::map<std::string, int>& aliases) {
  std::vector<std::string> parts;
  for (const auto& [alias, version] : aliases)
    parts.push_back(alias + "=" + std::to_string(version));
  return parts.empty() ? "-" : Join(parts, ", ");
}

std::string MetricsLine(const std::string& metrics_json) {
  json metrics = json::parse(metrics_json, nullptr, /*allow_exceptions=*/false);
  if (!metrics.is_object() || metrics.empty()) return "-";
  std::vector<std::string> parts;
  for (const auto& [key, value] : metrics.items()) {
    parts.push_back(key + "=" +
                    (value.is_number()
                         ? FormatDouble(value.get<double>())
                         : value.dump(-1, ' ', false, json::error_handler_t::replace)));
  }
  return Join(parts, " ");
}

void WriteVersionFields(std::FILE* out, store::Workspace& workspace,
                        const registry::ModelVersion& v) {
  Field(out, "model", v.model);
  Field(out, "version", std::to_string(v.version));
  Field(out, "aliases", v.aliases.empty() ? "-" : Join(v.aliases, ", "));
  Field(out, "kind", v.kind);
  Field(
      out, "model digest",
      v.model_digest +
          (workspace.artifacts().Has(v.model_digest) ? "" : "  (missing from the artifact store)"));
  // Long feature lists are cut for the terminal; --json has them all.
  constexpr size_t kShownFeatures = 6;
  std::vector<std::string> shown(
      v.feature_names.begin(),
      v.feature_names.begin() + std::min(kShownFeatures, v.feature_names.size()));
  if (v.feature_names.size() > kShownFeatures) shown.push_back("... (all with --json)");
  Field(out, "features", std::to_string(v.feature_names.size()) + ": " + Join(shown, ", "));
  Field(out, "threshold", v.threshold.has_value() ? FormatDouble(*v.threshold) : "-");
  Field(out, "metrics", MetricsLine(v.metrics_json));
  Field(out, "source", v.source);
  Field(out, "source run", v.source_run_id.empty() ? "-" : v.source_run_id);
  Field(out, "created", FormatTimestamp(v.created_ms));
  Field(out, "validation report",
        v.validation_report_digest.empty() ? "-" : v.validation_report_digest);
}

void WriteLineage(std::FILE* out, const std::optional<registry::Run>& run) {
  if (!run.has_value()) {
    Field(out, "lineage", "- (not made by a run)");
    return;
  }
  std::fprintf(out, "lineage\n");
  std::fprintf(out, "  %-16s %s (%s, started %s)\n", "run", run->id.c_str(),
               std::string(registry::RunStatusName(run->status)).c_str(),
               FormatTimestamp(run->started_ms).c_str());
  std::fprintf(out, "  %-16s %s\n", "config digest", run->config_digest.c_str());
  for (const auto& [name, digest] : run->inputs) {
    std::fprintf(out, "  %-16s %s\n", name.c_str(), digest.c_str());
  }
}

// `bundle validate` runs recorded for the version, newest first.
json ValidationsJson(const std::vector<registry::ValidationRecord>& records) {
  json list = json::array();
  for (const registry::ValidationRecord& r : records) {
    json report = json::parse(r.report_json, nullptr, /*allow_exceptions=*/false);
    list.push_back({{"id", r.id}, {"bundle_digest", r.bundle_digest}, {"passed", r.passed},
                    {"report_digest", r.report_digest}, {"created", FormatTimestamp(r.created_ms)},
                    {"report", report.is_discarded() ? json(nullptr) : report}});
  }
  return list;
}

void WriteValidations(std::FILE* out, const std::vector<registry::ValidationRecord>& records) {
  if (records.empty()) {
    Field(out, "validations", "- (run `edgeloop bundle validate`)");
    return;
  }
  std::fprintf(out, "validations\n");
  for (const registry::ValidationRecord& r : records) {
    std::fprintf(out, "  %s  %-6s bundle %s  report %s\n", FormatTimestamp(r.created_ms).c_str(),
                 r.passed ? "passed" : "FAILED", ShortDigest(r.bundle_digest).c_str(),
                 ShortDigest(r.report_digest).c_str());
  }
}

std::vector<std::string> SplitFeatureNames(const std::vector<std::string>& given) {
  std::vector<std::string> names;
  for (const std::string& entry : given) {
    for (std::string_view part : Split(entry, ',')) {
      std::string_view name = Trim(part);
      if (!name.empty()) names.emplace_back(name);
    }
  }
  return names;
}

}  // namespace

int ModelsList(store::Workspace& workspace, registry::Registry& registry,
               const ModelsListFlags& flags, std::FILE* out, std::FILE* err) {
  (void)workspace;
  Result<std::vector<registry::Model>> models = registry.ListModels();
  if (!models.ok()) return ReportFailureTo(err, models.status());
  if (flags.json) {
    json doc = json::array();
    for (const registry::Model& m : *models) doc.push_back(registry::ModelToJson(m));
    WriteJson(out, json{{"models", doc}});
    return kExitOk;
  }
  if (models->empty()) {
    std::fprintf(out, "no models\n");
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "LATEST", "ALIASES", "UPDATED", "DESCRIPTION"}};
  for (const registry::Model& m : *models) {
    rows.push_back({m.name, m.latest_version == 0 ? "-" : std::to_string(m.latest_version),
                    AliasList(m.aliases), FormatTimestamp(m.updated_ms),
                    m.description.empty() ? "-" : m.description});
  }
  WriteAlignedTable(out, rows);
  return kExitOk;
}

int ModelsShow(store::Workspace& workspace, registry::Registry& registry,
               const ModelsShowFlags& flags, std::FILE* out, std::FILE* err) {
  Result<registry::ModelRef> ref = registry::ParseModelRef(flags.ref);
  if (!ref.ok()) return ReportFailureTo(err, ref.status());
  Result<registry::Lineage> lineage = registry.GetLineage(flags.ref);
  if (!lineage.ok()) return ReportFailureTo(err, lineage.status());
  Result<registry::Model> model = registry.GetModel(ref->model);
  if (!model.ok()) return ReportFailureTo(err, model.status());
  const bool whole_model = ref->selector == registry::ModelRef::Selector::kLatest;
  std::vector<registry::ModelVersion> versions;
  if (whole_model) {
    Result<std::vector<registry::ModelVersion>> listed = registry.ListModelVersions(ref->model);
    if (!listed.ok()) return ReportFailureTo(err, listed.status());
    versions = std::move(*listed);
  }
  const registry::ModelVersion& v = lineage->version;
  const bool artifact_present = workspace.artifacts().Has(v.model_digest);
  Result<std::vector<registry::ValidationRecord>> validations =
      registry.ListValidations(v.model, v.version);
  if (!validations.ok()) return ReportFailureTo(err, validations.status());

  if (flags.json) {
    json doc = json::object();
    doc["model"] = registry::ModelToJson(*model);
    doc["version"] = registry::ModelVersionToJson(v);
    doc["model_artifact_present"] = artifact_present;
    doc["run"] = lineage->run.has_value() ? registry::RunToJson(*lineage->run) : json(nullptr);
    doc["validations"] = ValidationsJson(*validations);
    if (whole_model) {
      json list = json::array();
      for (const registry::ModelVersion& each : versions) {
        list.push_back(registry::ModelVersionToJson(each));
      }
      doc["versions"] = list;
    }
    WriteJson(out, doc);
    return kExitOk;
  }

  if (!model->description.empty()) Field(out, "description", model->description);
  WriteVersionFields(out, workspace, v);
  WriteLineage(out, lineage->run);
  WriteValidations(out, *validations);
  if (whole_model) {
    std::fprintf(out, "versions\n");
    std::vector<std::vector<std::string>> rows = {
        {"  VERSION", "CREATED", "KIND", "MODEL", "ALIASES", "SOURCE"}};
    for (const registry::ModelVersion& each : versions) {
      rows.push_back({"  " + std::to_string(each.version), FormatTimestamp(each.created_ms),
                      each.kind, ShortDigest(each.model_digest),
                      each.aliases.empty() ? "-" : Join(each.aliases, ","), each.source});
    }
    WriteAlignedTable(out, rows);
  }
  return kExitOk;
}

int ModelsAlias(store::Workspace& workspace, registry::Registry& registry,
                const ModelsAliasFlags& flags, std::FILE* out, std::FILE* err) {
  (void)workspace;
  // What the alias pointed at before, to say what changed; a missing alias is not an error here
  // unless it is being removed.
  std::optional<int> previous;
  Result<int> before = registry.GetAliasVersion(flags.model, flags.alias);
  if (before.ok()) {
    previous = *before;
  } else if (before.status().code() != StatusCode::kNotFound || flags.remove) {
    return ReportFailureTo(err, before.status());
  }

  Status status = flags.remove ? registry.DeleteAlias(flags.model, flags.alias)
                               : registry.SetAlias(flags.model, flags.alias, flags.version);
  if (!status.ok()) return ReportFailureTo(err, status);

  if (flags.json) {
    json doc = {{"model", flags.model},
                {"alias", flags.alias},
                {"version", flags.remove ? json(nullptr) : json(flags.version)},
                {"previous_version", previous.has_value() ? json(*previous) : json(nullptr)}};
    WriteJson(out, doc);
    return kExitOk;
  }
  const std::string name = flags.model + "@" + flags.alias;
  if (flags.remove) {
    std::fprintf(out, "removed %s (it pointed at version %d)\n", name.c_str(), *previous);
  } else if (!previous.has_value()) {
    std::fprintf(out, "%s -> version %d (new alias)\n", name.c_str(), flags.version);
  } else if (*previous == flags.version) {
    std::fprintf(out, "%s -> version %d (unchanged)\n", name.c_str(), flags.version);
  } else {
    std::fprintf(out, "%s -> version %d (was version %d)\n", name.c_str(), flags.version,
                 *previous);
  }
  return kExitOk;
}

int ModelsImportXgboost(store::Workspace& workspace, registry::Registry& registry,
                        const ModelsImportXgboostFlags& flags, std::FILE* out, std::FILE* err) {
  registry::XgboostImport request;
  request.model = flags.model;
  request.json_path = flags.json_path;
  request.feature_names_override = SplitFeatureNames(flags.feature_names);
  request.threshold = flags.threshold;
  request.description = flags.description;
  Result<registry::ModelVersion> version =
      registry::ImportXgboostModel(request, workspace.fs(), workspace.artifacts(), registry);
  if (!version.ok()) return ReportFailureTo(err, version.status());
  if (flags.json) {
    WriteJson(out, registry::ModelVersionToJson(*version));
    return kExitOk;
  }
  std::fprintf(out, "registered %s@%d: %s, %zu features, model %s, %s\n", version->model.c_str(),
               version->version, version->kind.c_str(), version->feature_names.size(),
               ShortDigest(version->model_digest).c_str(), version->source.c_str());
  return kExitOk;
}

}  // namespace edgeloop::app
