#include "registry/registry_schema.h"

namespace edgeloop::registry {
namespace {

// Version 1. Released migrations are never edited; changes are new entries below.
constexpr char kCreateRuns[] = R"sql(
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER NOT NULL DEFAULT 0,
  config_text TEXT NOT NULL,
  config_digest TEXT NOT NULL,
  params_json TEXT NOT NULL,
  seed INTEGER NOT NULL,
  nthread INTEGER NOT NULL,
  code_version TEXT NOT NULL,
  library_versions_json TEXT NOT NULL,
  metrics_json TEXT NOT NULL,
  model_digest TEXT NOT NULL DEFAULT '',
  report_digest TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  triggered_by TEXT NOT NULL
);
CREATE INDEX runs_by_start ON runs (started_ms);
CREATE TABLE run_inputs (
  run_id TEXT NOT NULL REFERENCES runs (id),
  name TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (run_id, name)
);
CREATE INDEX run_inputs_by_digest ON run_inputs (digest);
)sql";

constexpr char kCreateModels[] = R"sql(
CREATE TABLE models (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TABLE model_versions (
  model TEXT NOT NULL REFERENCES models (name),
  version INTEGER NOT NULL CHECK (version >= 1),
  kind TEXT NOT NULL,
  model_digest TEXT NOT NULL,
  feature_names_json TEXT NOT NULL,
  threshold REAL,
  metrics_json TEXT NOT NULL,
  source_run_id TEXT REFERENCES runs (id),
  source TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  validation_report_digest TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (model, version)
);
CREATE INDEX model_versions_by_run ON model_versions (source_run_id);
CREATE TABLE model_aliases (
  model TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (model, alias),
  FOREIGN KEY (model, version) REFERENCES model_versions (model, version)
);
)sql";

constexpr char kCreateDatasets[] = R"sql(
CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('readings', 'events', 'assets')),
  digest TEXT NOT NULL,
  rows INTEGER NOT NULL,
  assets INTEGER NOT NULL,
  start_ms INTEGER,
  end_ms INTEGER,
  source_file TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX datasets_by_name ON datasets (name, created_ms);
)sql";

constexpr char kCreateValidations[] = R"sql(
CREATE TABLE model_validations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  model TEXT NOT NULL,
  version INTEGER NOT NULL,
  bundle_digest TEXT NOT NULL,
  passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
  report_json TEXT NOT NULL,
  report_digest TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  FOREIGN KEY (model, version) REFERENCES model_versions (model, version)
);
CREATE INDEX model_validations_by_version ON model_validations (model, version, id);
)sql";

}  // namespace

store::MigrationSet RegistrySchema() {
  return store::MigrationSet{"registry",
                             {{1, "create runs", kCreateRuns},
                              {2, "create models, versions and aliases", kCreateModels},
                              {3, "create datasets", kCreateDatasets},
                              {4, "create model validations", kCreateValidations}}};
}

}  // namespace edgeloop::registry
