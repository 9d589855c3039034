// ModelTable: the models, model_versions and model_aliases tables of SqliteRegistry. See
// registry.h for the contract. Refers to a Database, Clock and RunTable owned by the caller.
// Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "registry/internal/run_table.h"
#include "registry/model.h"
#include "store/database.h"

namespace edgeloop::registry::internal {

class ModelTable {
 public:
  ModelTable(store::Database& db, Clock& clock, RunTable& runs)
      : db_(db), clock_(clock), runs_(runs) {}

  Result<Model> CreateModel(const std::string& name, const std::string& description);
  Result<Model> GetModel(const std::string& name);
  Result<std::vector<Model>> ListModels();
  Status SetDescription(const std::string& name, const std::string& description);

  Result<ModelVersion> CreateVersion(const NewModelVersion& spec);
  Result<ModelVersion> GetVersion(const std::string& model, int version);
  Result<std::vector<ModelVersion>> ListVersions(const std::string& model);
  Status SetValidationReport(const std::string& model, int version, const std::string& digest);

  Status SetAlias(const std::string& model, const std::string& alias, int version);
  Status DeleteAlias(const std::string& model, const std::string& alias);
  Result<int> GetAlias(const std::string& model, const std::string& alias);

 private:
  Status InsertModel(const std::string& name, const std::string& description, int64_t now_ms);
  Status TouchModel(const std::string& name, int64_t now_ms);
  // NotFound naming the model (and, when `version` > 0, the version) when missing.
  Status CheckModelExists(const std::string& name);
  Status CheckVersionExists(const std::string& model, int version);
  Result<std::vector<ModelVersion>> QueryVersions(const std::string& model, int version);
  Result<std::map<std::string, int>> ReadAliases(const std::string& model);

  store::Database& db_;
  Clock& clock_;
  RunTable& runs_;
};

}  // namespace edgeloop::registry::internal
