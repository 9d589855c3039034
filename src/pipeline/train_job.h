// TrainJob: `edgeloop train` and `edgeloop runs reproduce` — data to registered model version.
//
// PrepareTrainJob loads and checks the data, extracts features with the one feature path,
// labels, splits, trains and evaluates: the XGBoost tree ensemble (training::Train), or, when the
// config's model.kind is pca or isolation_forest, an anomaly model fitted on the healthy rows
// (training::TrainAnomaly; what its run records: train_job_anomaly.h). It writes nothing, and
// needs a workspace only when the data is an imported dataset. RecordTrainJob then stores the model,
// report and canonical feature spec as artifacts, records a run (config text, input digests,
// params, seed, thread count, code and library versions, metrics, model and report digests) and
// registers the model as the next version of its model (kind "xgboost:<objective>", "pca" or
// "isolation_forest"), with lineage to the run. So everything
// that can be wrong with the input is found before anything is written: a rejected input leaves
// the workspace as it was (or never creates it).
//
// ReproduceRun rebuilds a recorded run from its stored config, its recorded feature spec and the
// same data sources, and compares every input digest and the model digest with the record. It
// writes nothing.
//
// Errors: InvalidArgument for bad config or data (with file:line), NotFound for a missing run or
// dataset, the registry's and artifact store's errors otherwise.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/file_system.h"
#include "base/log.h"
#include "base/status.h"
#include "pipeline/train_job_config.h"
#include "registry/registry.h"
#include "store/workspace.h"
#include "training/report.h"

namespace edgeloop::pipeline {

// Progress of the long steps, for a terminal: step name, done, total.
using ProgressFn = std::function<void(const std::string& step, size_t done, size_t total)>;

struct TrainJobResult {
  registry::Run run;
  registry::ModelVersion version;
  training::EvaluationReport report;  // anomaly models without failures on record: empty
  std::string report_text;            // the readable report
  // What `edgeloop train --json` shows as metrics: the tree ensemble's evaluation report, or an
  // anomaly model's registered metrics (JSON object text).
  std::string summary_json;
  size_t feature_rows = 0;
  size_t assets = 0;
  double seconds_features = 0;
  double seconds_training = 0;
};

struct TrainJobContext {
  store::Workspace* workspace = nullptr;   // may be null for PrepareTrainJob on files
  registry::Registry* registry = nullptr;  // likewise
  Clock* clock = nullptr;
  Logger* log = nullptr;
  ProgressFn progress;  // may be empty
  std::string trigger = "cli";
};

// What PrepareTrainJob computed; opaque to callers, handed to RecordTrainJob.
struct PreparedTrainJob;

struct PreparedTrainJobDeleter {
  void operator()(PreparedTrainJob* job) const;
};
using PreparedTrainJobPtr = std::unique_ptr<PreparedTrainJob, PreparedTrainJobDeleter>;

Result<PreparedTrainJobPtr> PrepareTrainJob(const TrainJobConfig& config, FileSystem& fs,
                                            const TrainJobContext& context);

// `context` must have a workspace and a registry.
Result<TrainJobResult> RecordTrainJob(const TrainJobConfig& config, PreparedTrainJobPtr prepared,
                                      const TrainJobContext& context);

// Both in one, for callers that already have a workspace.
Result<TrainJobResult> RunTrainJob(const TrainJobConfig& config, const TrainJobContext& context);

// One input of a reproduction: its name, the recorded and the recomputed digest.
struct InputComparison {
  std::string name;
  std::string recorded;
  std::string reproduced;
  bool same() const { return recorded == reproduced; }
};

struct ReproduceResult {
  std::string run_id;
  std::vector<InputComparison> inputs;  // readings, events, feature_spec, dataset, per asset
  std::string recorded_model_digest;
  std::string reproduced_model_digest;
  std::string recorded_code_version;
  std::string code_version;
  bool identical() const;
};

Result<ReproduceResult> ReproduceRun(const std::string& run_id, const TrainJobContext& context);

}  // namespace edgeloop::pipeline
