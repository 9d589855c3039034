// Model, ModelVersion and Lineage: the records of the model registry (MLflow's registered
// model, model version and alias).
//
// A model is a name ("pump-failure") with numbered versions 1, 2, 3, ... Each version points at
// an immutable model artifact by digest and says how to use it (kind, feature names, threshold).
// Aliases ("champion", "challenger") are movable names for versions of one model; there are no
// fixed stages. A version made by a run keeps the run's id, which links it to the run's inputs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "registry/run.h"

namespace edgeloop::registry {

struct Model {
  std::string name;  // [a-z0-9][a-z0-9._-]*
  std::string description;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;              // last new version, alias or description change
  int latest_version = 0;              // 0 when it has no versions yet
  std::map<std::string, int> aliases;  // alias -> version
};

struct ModelVersion {
  std::string model;
  int version = 0;
  std::string kind;          // "xgboost:binary:logistic"
  std::string model_digest;  // sha256 of the model artifact
  std::vector<std::string> feature_names;
  std::optional<double> threshold;  // alert threshold on the score, when one was chosen
  std::string metrics_json = "{}";
  std::string source_run_id;  // "" for imported models
  std::string source;         // "trained by run-…" or "imported from FILE"
  int64_t created_ms = 0;
  std::string validation_report_digest;  // "" until the version is validated
  std::vector<std::string> aliases;      // aliases pointing here, sorted
};

// What the caller supplies to register a version; the registry numbers it and sets the time.
struct NewModelVersion {
  std::string model;  // created (with `description`) when missing
  std::string description;
  std::string kind;
  std::string model_digest;
  std::vector<std::string> feature_names;
  std::optional<double> threshold;
  std::string metrics_json = "{}";
  std::string source_run_id;  // must name an existing run when set
  std::string source;         // "" = "trained by <run>" when a run is given
};

// Where a version came from: the version, and the run that made it (with the run's input
// digests), when there is one.
struct Lineage {
  ModelVersion version;
  std::optional<Run> run;
};

}  // namespace edgeloop::registry
