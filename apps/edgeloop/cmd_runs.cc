#include "edgeloop/cmd_runs.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/sha256.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "edgeloop/exit_code.h"
#include "registry/record_json.h"

namespace edgeloop::app {
namespace {

using nlohmann::json;

// Metrics worth a column in `runs list`, in the order they are shown.
constexpr const char* kKeyMetrics[] = {"pr_auc", "roc_auc", "event_recall", "precision",
                                       "recall", "f1",      "rmse",         "mae"};
constexpr size_t kMaxMetricColumns = 4;

void WriteJson(std::FILE* out, const json& doc) {
  const std::string text = doc.dump(2, ' ', false, json::error_handler_t::replace);
  std::fprintf(out, "%s\n", text.c_str());
}

json ParseMetrics(const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_object() ? parsed : json::object();
}

std::string MetricCell(const json& metrics, const char* key) {
  auto it = metrics.find(key);
  if (it == metrics.end() || !it->is_number()) return "-";
  return FormatMetric(it->get<double>());
}

std::string ShortOrDash(const std::string& digest) {
  return digest.empty() ? "-" : ShortDigest(digest);
}

// "a1b2... (in the artifact store)" or "(missing from the artifact store)".
std::string ArtifactLine(store::Workspace& workspace, const std::string& digest) {
  if (digest.empty()) return "-";
  return digest + (workspace.artifacts().Has(digest) ? "" : "  (missing from the artifact store)");
}

void Field(std::FILE* out, const std::string& name, const std::string& value) {
  std::fprintf(out, "%-18s %s\n", name.c_str(), value.c_str());
}

void WriteJsonObjectFields(std::FILE* out, const std::string& title, const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || parsed.empty()) {
    Field(out, title, parsed.is_object() ? "-" : text);
    return;
  }
  std::fprintf(out, "%s\n", title.c_str());
  for (const auto& [key, value] : parsed.items()) {
    std::string shown = value.is_number() ? FormatDouble(value.get<double>())
                        : value.is_string()
                            ? value.get<std::string>()
                            : value.dump(-1, ' ', false, json::error_handler_t::replace);
    std::fprintf(out, "  %-16s %s\n", key.c_str(), shown.c_str());
  }
}

void WriteRunFields(std::FILE* out, store::Workspace& workspace, const registry::Run& run) {
  Field(out, "run", run.id);
  Field(out, "kind", run.kind);
  Field(out, "status", std::string(registry::RunStatusName(run.status)));
  Field(out, "trigger", run.trigger);
  Field(out, "started", FormatTimestamp(run.started_ms));
  if (run.status != registry::RunStatus::kRunning) {
    Field(out, "finished",
          FormatTimestamp(run.finished_ms) + "  (took " +
              FormatDuration(run.finished_ms - run.started_ms) + ")");
  } else {
    Field(out, "finished", "-");
  }
  if (!run.error.empty()) Field(out, "error", run.error);
  Field(out, "code version", run.code_version);
  WriteJsonObjectFields(out, "library versions", run.library_versions_json);
  Field(out, "seed", std::to_string(run.seed));
  Field(out, "nthread", std::to_string(run.nthread));
  if (run.inputs.empty()) {
    Field(out, "inputs", "-");
  } else {
    std::fprintf(out, "inputs\n");
    for (const auto& [name, digest] : run.inputs) {
      std::fprintf(out, "  %-16s %s\n", name.c_str(), digest.c_str());
    }
  }
  WriteJsonObjectFields(out, "params", run.params_json);
  WriteJsonObjectFields(out, "metrics", run.metrics_json);
  Field(out, "model", ArtifactLine(workspace, run.model_digest));
  Field(out, "report", ArtifactLine(workspace, run.report_digest));
  Field(out, "config digest", run.config_digest);
  std::fprintf(out, "config\n");
  std::string_view config = run.config_text;
  while (!config.empty() && config.back() == '\n') config.remove_suffix(1);
  for (std::string_view line : Split(config, '\n')) {
    std::fprintf(out, "  %.*s\n", static_cast<int>(line.size()), line.data());
  }
}

}  // namespace

std::string FormatMetric(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", value);
  return buf;
}

void WriteAlignedTable(std::FILE* out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (row.size() > widths.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    std::fprintf(out, "%s\n", line.c_str());
  }
}

int RunsList(store::Workspace& workspace, registry::Registry& registry, const RunsListFlags& flags,
             std::FILE* out, std::FILE* err) {
  (void)workspace;
  registry::RunFilter filter;
  filter.limit = flags.limit;
  filter.kind = flags.kind;
  if (!flags.status.empty()) {
    Result<registry::RunStatus> status = registry::ParseRunStatus(flags.status);
    if (!status.ok()) return ReportFailureTo(err, status.status().WithContext("--status"));
    filter.status = *status;
  }
  Result<std::vector<registry::Run>> runs = registry.ListRuns(filter);
  if (!runs.ok()) return ReportFailureTo(err, runs.status());

  if (flags.json) {
    json doc = json::array();
    for (const registry::Run& run : *runs) doc.push_back(registry::RunToJson(run));
    WriteJson(out, json{{"runs", doc}});
    return kExitOk;
  }
  if (runs->empty()) {
    std::fprintf(out, "no runs%s\n",
                 flags.status.empty() ? "" : (" with status " + flags.status).c_str());
    return kExitOk;
  }

  std::vector<json> metrics;
  for (const registry::Run& run : *runs) metrics.push_back(ParseMetrics(run.metrics_json));
  std::vector<const char*> columns;
  for (const char* key : kKeyMetrics) {
    if (columns.size() == kMaxMetricColumns) break;
    const bool present = std::any_of(metrics.begin(), metrics.end(),
                                     [key](const json& m) { return m.contains(key); });
    if (present) columns.push_back(key);
  }

  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"ID", "KIND", "STATUS", "STARTED", "MODEL"};
  for (std::string key : columns) {
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    header.push_back(key);
  }
  rows.push_back(header);
  for (size_t i = 0; i < runs->size(); ++i) {
    const registry::Run& run = (*runs)[i];
    std::vector<std::string> row = {run.id, run.kind,
                                    std::string(registry::RunStatusName(run.status)),
                                    FormatTimestamp(run.started_ms), ShortOrDash(run.model_digest)};
    for (const char* key : columns) row.push_back(MetricCell(metrics[i], key));
    rows.push_back(std::move(row));
  }
  WriteAlignedTable(out, rows);
  return kExitOk;
}

int RunsShow(store::Workspace& workspace, registry::Registry& registry, const RunsShowFlags& flags,
             std::FILE* out, std::FILE* err) {
  Result<registry::Run> run = registry.GetRun(flags.run_id);
  if (!run.ok()) return ReportFailureTo(err, run.status());
  if (flags.json) {
    json doc = registry::RunToJson(*run);
    doc["model_artifact_present"] = run->model_digest.empty()
                                        ? json(nullptr)
                                        : json(workspace.artifacts().Has(run->model_digest));
    doc["report_artifact_present"] = run->report_digest.empty()
                                         ? json(nullptr)
                                         : json(workspace.artifacts().Has(run->report_digest));
    WriteJson(out, doc);
    return kExitOk;
  }
  WriteRunFields(out, workspace, *run);
  return kExitOk;
}

}  // namespace edgeloop::app
