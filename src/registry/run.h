// Run: the record of one execution of a pipeline step (MLflow's run), and the values that
// create, finish and list runs.
//
// A run records everything needed to reproduce it (inputs by digest, config, params, seed,
// thread count, code and library versions) and what it produced (metrics, model and report
// digests). JSON-valued fields hold canonical JSON text of an object (keys sorted, no spaces),
// so equal content gives equal bytes. Times are UTC milliseconds from the registry's Clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace edgeloop::registry {

enum class RunStatus { kRunning, kFinished, kFailed };

std::string_view RunStatusName(RunStatus status);  // "running", "finished", "failed"
Result<RunStatus> ParseRunStatus(std::string_view text);

struct Run {
  std::string id;    // "run-3f2a9c0d1e2b"
  std::string kind;  // "train"
  RunStatus status = RunStatus::kRunning;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;                    // 0 while running
  std::string config_text;                    // the pipeline/training config as given
  std::string config_digest;                  // sha256 of config_text
  std::map<std::string, std::string> inputs;  // "dataset" -> sha256, "feature_spec" -> sha256
  std::string params_json = "{}";
  uint64_t seed = 0;
  int nthread = 1;
  std::string code_version;                  // edgeloop CodeVersion() of the process
  std::string library_versions_json = "{}";  // {"xgboost":"1.7.4",...}
  std::string metrics_json = "{}";           // {"pr_auc":0.91,...}
  std::string model_digest;                  // "" until finished (or when none was produced)
  std::string report_digest;                 // artifact with the run's report, or ""
  std::string error;                         // why it failed; "" otherwise
  std::string trigger;                       // "cli", "schedule", "drift", "api", ...
};

// What the caller knows when a run starts; the registry adds id, status, times and digests.
struct RunSpec {
  std::string kind = "train";
  std::string config_text;
  std::map<std::string, std::string> inputs;  // names [a-z0-9_]+, values sha256 hex digests
  std::string params_json = "{}";
  uint64_t seed = 0;
  int nthread = 1;
  std::string code_version;  // "" = this binary's CodeVersion()
  std::string library_versions_json = "{}";
  std::string trigger = "cli";
};

// What a successful run produced.
struct RunOutcome {
  std::string metrics_json = "{}";
  std::string model_digest;   // sha256 hex or ""
  std::string report_digest;  // sha256 hex or ""
};

struct RunFilter {
  int limit = 50;                   // at most this many, newest first; <= 0 = all
  std::optional<RunStatus> status;  // only runs with this status
  std::string kind;                 // only runs of this kind ("" = any)
};

}  // namespace edgeloop::registry
