// Registry: the store of runs, models, model versions, aliases and datasets (MLflow's tracking
// and model-registry stores behind one interface).
//
// Registry is abstract so that backends can be swapped (SqliteRegistry today; PostgreSQL for
// scale-out); the records it takes and returns are plain structs (run.h, model.h, dataset.h).
// ResolveModelRef and GetLineage are built on the virtual calls and are the same for every
// backend.
//
// Contract for every backend:
// - Each mutation is atomic: it happens completely or, when it returns an error, not at all.
// - Bad names, malformed JSON or digests give InvalidArgument; a missing run, model, version,
//   alias or dataset gives NotFound; a state conflict (finishing a run twice, creating a model
//   that exists) gives FailedPrecondition or AlreadyExists. Messages name the object.
// - Several Registry objects (in several processes) over one database see each other's writes.
// Thread-safety: an instance is not thread-safe; give each thread its own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "registry/dataset.h"
#include "registry/model.h"
#include "registry/model_ref.h"
#include "registry/run.h"
#include "registry/validation_record.h"

namespace edgeloop::registry {

class Registry {
 public:
  virtual ~Registry() = default;

  // Runs. CreateRun starts a run in status running.
  virtual Result<Run> CreateRun(const RunSpec& spec) = 0;
  // running -> finished; FailedPrecondition when the run is not running.
  virtual Result<Run> FinishRun(const std::string& run_id, const RunOutcome& outcome) = 0;
  // running -> failed with `message`; FailedPrecondition when the run is not running.
  virtual Result<Run> FailRun(const std::string& run_id, const std::string& message) = 0;
  virtual Result<Run> GetRun(const std::string& run_id) = 0;
  // Newest first.
  virtual Result<std::vector<Run>> ListRuns(const RunFilter& filter) = 0;

  // Models. AlreadyExists when the name is taken.
  virtual Result<Model> CreateModel(const std::string& name, const std::string& description) = 0;
  virtual Result<Model> GetModel(const std::string& name) = 0;
  // Sorted by name.
  virtual Result<std::vector<Model>> ListModels() = 0;
  virtual Status SetModelDescription(const std::string& name, const std::string& description) = 0;

  // Versions. Registers the next version number of `spec.model`, creating the model if needed.
  virtual Result<ModelVersion> CreateModelVersion(const NewModelVersion& spec) = 0;
  virtual Result<ModelVersion> GetModelVersion(const std::string& model, int version) = 0;
  // Newest first.
  virtual Result<std::vector<ModelVersion>> ListModelVersions(const std::string& model) = 0;
  virtual Status SetValidationReport(const std::string& model, int version,
                                     const std::string& report_digest) = 0;
  // Keeps a `bundle validate` report for `model` version `version` and makes its sha256 the
  // version's validation_report_digest. NotFound when the version is missing; InvalidArgument
  // for a malformed digest or report. Returns the record with its id and report digest.
  virtual Result<ValidationRecord> RecordValidation(const std::string& model, int version,
                                                    const std::string& bundle_digest, bool passed,
                                                    const std::string& report_json,
                                                    int64_t created_ms) = 0;
  // Newest first; NotFound when the version is missing.
  virtual Result<std::vector<ValidationRecord>> ListValidations(const std::string& model,
                                                                int version) = 0;

  // Aliases. SetAlias creates or moves `alias` to `version`, which must exist.
  virtual Status SetAlias(const std::string& model, const std::string& alias, int version) = 0;
  virtual Status DeleteAlias(const std::string& model, const std::string& alias) = 0;
  virtual Result<int> GetAliasVersion(const std::string& model, const std::string& alias) = 0;

  // Datasets. GetDataset gives the newest dataset with `name`; ListDatasets is newest first.
  virtual Result<Dataset> AddDataset(const NewDataset& spec) = 0;
  virtual Result<Dataset> GetDataset(const std::string& name) = 0;
  virtual Result<std::vector<Dataset>> ListDatasets() = 0;

  // "name", "name@latest", "name@3" or "name@alias" (see model_ref.h) to the version it means.
  Result<ModelVersion> ResolveModelRef(std::string_view ref);
  Result<ModelVersion> Resolve(const ModelRef& ref);
  // The version `ref` means and the run that made it, with the run's input digests.
  Result<Lineage> GetLineage(std::string_view ref);
};

}  // namespace edgeloop::registry
