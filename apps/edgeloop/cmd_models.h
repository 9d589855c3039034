// `edgeloop models list | show REF | alias NAME ALIAS VERSION | import --xgboost FILE`: the model
// registry from the command line.
//
// Same conventions as cmd_runs.h: parsed flags in, exit code out, errors as
// "edgeloop: <message>" on `err`, and with json set one JSON document on `out`.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "registry/registry.h"
#include "store/workspace.h"

namespace edgeloop::app {

struct ModelsListFlags {
  bool json = false;
};

// Every model: name, latest version, aliases, last update and description.
int ModelsList(store::Workspace& workspace, registry::Registry& registry,
               const ModelsListFlags& flags, std::FILE* out, std::FILE* err);

struct ModelsShowFlags {
  std::string ref;  // "name", "name@3", "name@champion"
  bool json = false;
};

// Every field of the version `ref` resolves to, its model's aliases, whether the model artifact
// is in the store, and its lineage (the run and the run's inputs). For a bare model name the
// model's versions are listed too.
int ModelsShow(store::Workspace& workspace, registry::Registry& registry,
               const ModelsShowFlags& flags, std::FILE* out, std::FILE* err);

struct ModelsAliasFlags {
  std::string model;
  std::string alias;
  int version = 0;      // the version to point at (ignored with remove)
  bool remove = false;  // delete the alias instead
  bool json = false;
};

// Creates, moves or deletes an alias, and says what it pointed at before.
int ModelsAlias(store::Workspace& workspace, registry::Registry& registry,
                const ModelsAliasFlags& flags, std::FILE* out, std::FILE* err);

struct ModelsImportXgboostFlags {
  std::string model;      // registry model name
  std::string json_path;  // XGBoost JSON model file
  // Overrides learner.feature_names; each entry may itself be a comma-separated list, so both
  // `--feature-names a,b,c` and repeated `--feature-names a` work.
  std::vector<std::string> feature_names;
  std::optional<double> threshold;
  std::string description;  // used when the import creates the model
  bool json = false;
};

// Registers an XGBoost JSON model trained elsewhere as the model's next version.
int ModelsImportXgboost(store::Workspace& workspace, registry::Registry& registry,
                        const ModelsImportXgboostFlags& flags, std::FILE* out, std::FILE* err);

}  // namespace edgeloop::app
