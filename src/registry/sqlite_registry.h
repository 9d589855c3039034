// SqliteRegistry: the Registry backed by the tables of module "registry" in an edgeloop SQLite
// database (see registry_schema.cc). This is the embedded default; records and errors are as
// described in registry.h.
//
// Open() applies the registry's migrations (a no-op when they are there) and fails with
// FailedPrecondition when the database was written by a newer edgeloop. Ids come from the
// injected Random ("run-…", "ds-…"), times from the injected Clock.
//
// Ownership: refers to a Database, Clock and Random that must outlive it. Thread-safety: not
// thread-safe (one per thread); several instances, in one or several processes, may share a
// database file and see each other's committed writes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "registry/internal/dataset_table.h"
#include "registry/internal/model_table.h"
#include "registry/internal/run_table.h"
#include "registry/internal/validation_table.h"
#include "registry/registry.h"
#include "store/database.h"

namespace edgeloop::registry {

class SqliteRegistry final : public Registry {
 public:
  static Result<std::unique_ptr<SqliteRegistry>> Open(store::Database& db, Clock& clock,
                                                      Random& random);

  Result<Run> CreateRun(const RunSpec& spec) override { return runs_.Create(spec); }
  Result<Run> FinishRun(const std::string& run_id, const RunOutcome& outcome) override {
    return runs_.Finish(run_id, outcome);
  }
  Result<Run> FailRun(const std::string& run_id, const std::string& message) override {
    return runs_.Fail(run_id, message);
  }
  Result<Run> GetRun(const std::string& run_id) override { return runs_.Get(run_id); }
  Result<std::vector<Run>> ListRuns(const RunFilter& filter) override { return runs_.List(filter); }

  Result<Model> CreateModel(const std::string& name, const std::string& description) override {
    return models_.CreateModel(name, description);
  }
  Result<Model> GetModel(const std::string& name) override { return models_.GetModel(name); }
  Result<std::vector<Model>> ListModels() override { return models_.ListModels(); }
  Status SetModelDescription(const std::string& name, const std::string& description) override {
    return models_.SetDescription(name, description);
  }

  Result<ModelVersion> CreateModelVersion(const NewModelVersion& spec) override {
    return models_.CreateVersion(spec);
  }
  Result<ModelVersion> GetModelVersion(const std::string& model, int version) override {
    return models_.GetVersion(model, version);
  }
  Result<std::vector<ModelVersion>> ListModelVersions(const std::string& model) override {
    return models_.ListVersions(model);
  }
  Status SetValidationReport(const std::string& model, int version,
                             const std::string& report_digest) override {
    return models_.SetValidationReport(model, version, report_digest);
  }
  Result<ValidationRecord> RecordValidation(const std::string& model, int version,
                                            const std::string& bundle_digest, bool passed,
                                            const std::string& report_json,
                                            int64_t created_ms) override {
    return validations_.Record(
        ValidationRecord{0, model, version, bundle_digest, passed, report_json, "", created_ms});
  }
  Result<std::vector<ValidationRecord>> ListValidations(const std::string& model,
                                                        int version) override {
    return validations_.List(model, version);
  }

  Status SetAlias(const std::string& model, const std::string& alias, int version) override {
    return models_.SetAlias(model, alias, version);
  }
  Status DeleteAlias(const std::string& model, const std::string& alias) override {
    return models_.DeleteAlias(model, alias);
  }
  Result<int> GetAliasVersion(const std::string& model, const std::string& alias) override {
    return models_.GetAlias(model, alias);
  }

  Result<Dataset> AddDataset(const NewDataset& spec) override { return datasets_.Add(spec); }
  Result<Dataset> GetDataset(const std::string& name) override { return datasets_.Get(name); }
  Result<std::vector<Dataset>> ListDatasets() override { return datasets_.List(); }

 private:
  SqliteRegistry(store::Database& db, Clock& clock, Random& random)
      : runs_(db, clock, random),
        models_(db, clock, runs_),
        datasets_(db, clock, random),
        validations_(db) {}

  internal::RunTable runs_;
  internal::ModelTable models_;
  internal::DatasetTable datasets_;
  internal::ValidationTable validations_;
};

}  // namespace edgeloop::registry
