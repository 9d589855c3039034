#include "registry/internal/model_table.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "registry/internal/json_text.h"
#include "registry/names.h"
#include "store/artifact_store.h"
#include "store/statement.h"
#include "store/transaction.h"

namespace edgeloop::registry::internal {
namespace {

constexpr char kVersionColumns[] =
    "model, version, kind, model_digest, feature_names_json, threshold, metrics_json, "
    "source_run_id, source, created_ms, validation_report_digest";

std::string Quoted(const std::string& model) { return "model '" + model + "'"; }

Status ValidateNewVersion(const NewModelVersion& spec) {
  EL_RETURN_IF_ERROR(ValidateModelName(spec.model));
  const std::string who = "new version of " + Quoted(spec.model);
  if (spec.kind.empty()) return InvalidArgument(who + ": the model kind is empty");
  if (!store::IsSha256Hex(spec.model_digest)) {
    return InvalidArgument(who + ": model digest '" + spec.model_digest +
                           "' is not a sha256 digest (64 lowercase hex digits)");
  }
  if (spec.feature_names.empty()) return InvalidArgument(who + ": it has no feature names");
  std::set<std::string> seen;
  for (const std::string& feature : spec.feature_names) {
    if (feature.empty()) return InvalidArgument(who + ": a feature name is empty");
    if (!seen.insert(feature).second) {
      return InvalidArgument(who + ": feature '" + feature + "' is listed twice");
    }
  }
  if (spec.threshold.has_value() && !std::isfinite(*spec.threshold)) {
    return InvalidArgument(who + ": the threshold is not a finite number");
  }
  if (spec.source_run_id.empty() && spec.source.empty()) {
    return InvalidArgument(who + ": needs a source run or a source description");
  }
  return Status::Ok();
}

Status ValidateVersionNumber(const std::string& model, int version) {
  if (version >= 1) return Status::Ok();
  return InvalidArgument(Quoted(model) + ": version " + std::to_string(version) +
                         " is not valid; versions start at 1");
}

}  // namespace

Status ModelTable::InsertModel(const std::string& name, const std::string& description,
                               int64_t now_ms) {
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("INSERT INTO models (name, description, created_ms, updated_ms) "
                                  "VALUES (?1, ?2, ?3, ?3)",
                                  "create " + Quoted(name)));
  st.Bind(1, name).Bind(2, description).Bind(3, now_ms);
  return st.Run();
}

Status ModelTable::TouchModel(const std::string& name, int64_t now_ms) {
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare("UPDATE models SET updated_ms = ?2 WHERE name = ?1", "update " + Quoted(name)));
  st.Bind(1, name).Bind(2, now_ms);
  return st.Run();
}

Status ModelTable::CheckModelExists(const std::string& name) {
  EL_ASSIGN_OR_RETURN(store::Statement st, db_.Prepare("SELECT 1 FROM models WHERE name = ?1",
                                                       "look up " + Quoted(name)));
  st.Bind(1, name);
  EL_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound(Quoted(name) + " does not exist");
  return Status::Ok();
}

Status ModelTable::CheckVersionExists(const std::string& model, int version) {
  EL_ASSIGN_OR_RETURN(Model m, GetModel(model));
  if (version >= 1 && version <= m.latest_version) return Status::Ok();
  if (m.latest_version == 0) {
    return NotFound(Quoted(model) + " has no version " + std::to_string(version) +
                    " (it has no versions yet)");
  }
  return NotFound(Quoted(model) + " has no version " + std::to_string(version) +
                  " (versions are 1 to " + std::to_string(m.latest_version) + ")");
}

Result<Model> ModelTable::CreateModel(const std::string& name, const std::string& description) {
  EL_RETURN_IF_ERROR(ValidateModelName(name));
  const std::string purpose = "create " + Quoted(name);
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db_, purpose));
  if (CheckModelExists(name).ok()) return AlreadyExists(Quoted(name) + " already exists");
  EL_RETURN_IF_ERROR(InsertModel(name, description, clock_.NowMillis()));
  EL_RETURN_IF_ERROR(tx.Commit());
  return GetModel(name);
}

Result<Model> ModelTable::GetModel(const std::string& name) {
  EL_RETURN_IF_ERROR(ValidateModelName(name));
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare("SELECT name, description, created_ms, updated_ms, "
                  "(SELECT COALESCE(MAX(version), 0) FROM model_versions WHERE model = name) "
                  "FROM models WHERE name = ?1",
                  "read " + Quoted(name)));
  st.Bind(1, name);
  EL_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound(Quoted(name) + " does not exist");
  Model model;
  model.name = st.ColumnText(0);
  model.description = st.ColumnText(1);
  model.created_ms = st.ColumnInt64(2);
  model.updated_ms = st.ColumnInt64(3);
  model.latest_version = static_cast<int>(st.ColumnInt64(4));
  EL_ASSIGN_OR_RETURN(model.aliases, ReadAliases(name));
  return model;
}

Result<std::vector<Model>> ModelTable::ListModels() {
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("SELECT name FROM models ORDER BY name", "list models"));
  std::vector<std::string> names;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
    if (!has_row) break;
    names.push_back(st.ColumnText(0));
  }
  std::vector<Model> models;
  for (const std::string& name : names) {
    EL_ASSIGN_OR_RETURN(Model model, GetModel(name));
    models.push_back(std::move(model));
  }
  return models;
}

Status ModelTable::SetDescription(const std::string& name, const std::string& description) {
  EL_RETURN_IF_ERROR(ValidateModelName(name));
  const std::string purpose = "describe " + Quoted(name);
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db_, purpose));
  EL_RETURN_IF_ERROR(CheckModelExists(name));
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("UPDATE models SET description = ?2, updated_ms = ?3 "
                                  "WHERE name = ?1",
                                  purpose));
  st.Bind(1, name).Bind(2, description).Bind(3, clock_.NowMillis());
  EL_RETURN_IF_ERROR(st.Run());
  return tx.Commit();
}

Result<ModelVersion> ModelTable::CreateVersion(const NewModelVersion& spec) {
  EL_RETURN_IF_ERROR(ValidateNewVersion(spec));
  EL_ASSIGN_OR_RETURN(std::string metrics,
                      CanonicalJsonObject(spec.metrics_json, "metrics of " + Quoted(spec.model)));
  const std::string purpose = "register a new version of " + Quoted(spec.model);
  const int64_t now_ms = clock_.NowMillis();
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db_, purpose));
  if (!spec.source_run_id.empty()) EL_RETURN_IF_ERROR(runs_.CheckExists(spec.source_run_id));
  Result<Model> existing = GetModel(spec.model);
  int version = 1;
  if (existing.ok()) {
    version = existing->latest_version + 1;
    EL_RETURN_IF_ERROR(TouchModel(spec.model, now_ms));
  } else if (existing.status().code() == StatusCode::kNotFound) {
    EL_RETURN_IF_ERROR(InsertModel(spec.model, spec.description, now_ms));
  } else {
    return existing.status();
  }

  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare(std::string("INSERT INTO model_versions (") + kVersionColumns +
                                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, '')",
                                  purpose));
  st.Bind(1, spec.model).Bind(2, version).Bind(3, spec.kind).Bind(4, spec.model_digest);
  st.Bind(5, StringsToJson(spec.feature_names));
  if (spec.threshold.has_value()) {
    st.Bind(6, *spec.threshold);
  } else {
    st.BindNull(6);
  }
  st.Bind(7, metrics);
  if (spec.source_run_id.empty()) {
    st.BindNull(8);
  } else {
    st.Bind(8, spec.source_run_id);
  }
  st.Bind(9, spec.source.empty() ? "trained by " + spec.source_run_id : spec.source);
  st.Bind(10, now_ms);
  EL_RETURN_IF_ERROR(st.Run());
  EL_RETURN_IF_ERROR(tx.Commit());
  return GetVersion(spec.model, version);
}

Result<std::vector<ModelVersion>> ModelTable::QueryVersions(const std::string& model, int version) {
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare(std::string("SELECT ") + kVersionColumns +
                      " FROM model_versions WHERE model = ?1 AND (?2 = 0 OR version = ?2)"
                      " ORDER BY version DESC",
                  "read versions of " + Quoted(model)));
  st.Bind(1, model).Bind(2, version);
  EL_ASSIGN_OR_RETURN(auto aliases, ReadAliases(model));
  std::vector<ModelVersion> versions;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
    if (!has_row) break;
    ModelVersion v;
    v.model = st.ColumnText(0);
    v.version = static_cast<int>(st.ColumnInt64(1));
    v.kind = st.ColumnText(2);
    v.model_digest = st.ColumnText(3);
    EL_ASSIGN_OR_RETURN(
        v.feature_names,
        StringsFromJson(st.ColumnText(4), "feature names of " + Quoted(model) + " version " +
                                              std::to_string(v.version)));
    if (!st.ColumnIsNull(5)) v.threshold = st.ColumnDouble(5);
    v.metrics_json = st.ColumnText(6);
    v.source_run_id = st.ColumnText(7);
    v.source = st.ColumnText(8);
    v.created_ms = st.ColumnInt64(9);
    v.validation_report_digest = st.ColumnText(10);
    for (const auto& [alias, target] : aliases) {
      if (target == v.version) v.aliases.push_back(alias);  // map order: sorted
    }
    versions.push_back(std::move(v));
  }
  return versions;
}

Result<ModelVersion> ModelTable::GetVersion(const std::string& model, int version) {
  EL_RETURN_IF_ERROR(ValidateModelName(model));
  EL_RETURN_IF_ERROR(ValidateVersionNumber(model, version));
  EL_ASSIGN_OR_RETURN(std::vector<ModelVersion> versions, QueryVersions(model, version));
  if (versions.empty()) {
    EL_RETURN_IF_ERROR(CheckVersionExists(model, version));
    return NotFound(Quoted(model) + " has no version " + std::to_string(version));
  }
  return std::move(versions.front());
}

Result<std::vector<ModelVersion>> ModelTable::ListVersions(const std::string& model) {
  EL_RETURN_IF_ERROR(ValidateModelName(model));
  EL_RETURN_IF_ERROR(CheckModelExists(model));
  return QueryVersions(model, 0);
}

Status ModelTable::SetValidationReport(const std::string& model, int version,
                                       const std::string& digest) {
  EL_RETURN_IF_ERROR(ValidateModelName(model));
  EL_RETURN_IF_ERROR(ValidateVersionNumber(model, version));
  if (!store::IsSha256Hex(digest)) {
    return InvalidArgument("validation report digest '" + digest +
                           "' is not a sha256 digest (64 lowercase hex digits)");
  }
  const std::string purpose =
      "record the validation report of " + Quoted(model) + " version " + std::to_string(version);
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db_, purpose));
  EL_RETURN_IF_ERROR(CheckVersionExists(model, version));
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("UPDATE model_versions SET validation_report_digest = ?3 "
                                  "WHERE model = ?1 AND version = ?2",
                                  purpose));
  st.Bind(1, model).Bind(2, version).Bind(3, digest);
  EL_RETURN_IF_ERROR(st.Run());
  return tx.Commit();
}

Status ModelTable::SetAlias(const std::string& model, const std::string& alias, int version) {
  EL_RETURN_IF_ERROR(ValidateModelName(model));
  EL_RETURN_IF_ERROR(ValidateAliasName(alias));
  EL_RETURN_IF_ERROR(ValidateVersionNumber(model, version));
  const std::string purpose =
      "point alias '" + alias + "' of " + Quoted(model) + " at version " + std::to_string(version);
  const int64_t now_ms = clock_.NowMillis();
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db_, purpose));
  EL_RETURN_IF_ERROR(CheckVersionExists(model, version));
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare("INSERT INTO model_aliases (model, alias, version, updated_ms) "
                  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (model, alias) DO UPDATE "
                  "SET version = excluded.version, updated_ms = excluded.updated_ms",
                  purpose));
  st.Bind(1, model).Bind(2, alias).Bind(3, version).Bind(4, now_ms);
  EL_RETURN_IF_ERROR(st.Run());
  EL_RETURN_IF_ERROR(TouchModel(model, now_ms));
  return tx.Commit();
}

Status ModelTable::DeleteAlias(const std::string& model, const std::string& alias) {
  EL_RETURN_IF_ERROR(ValidateModelName(model));
  EL_RETURN_IF_ERROR(ValidateAliasName(alias));
  const std::string purpose = "delete alias '" + alias + "' of " + Quoted(model);
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db_, purpose));
  EL_RETURN_IF_ERROR(CheckModelExists(model));
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare("DELETE FROM model_aliases WHERE model = ?1 AND alias = ?2", purpose));
  st.Bind(1, model).Bind(2, alias);
  EL_RETURN_IF_ERROR(st.Run());
  if (db_.Changes() == 0) return NotFound(Quoted(model) + " has no alias '" + alias + "'");
  EL_RETURN_IF_ERROR(TouchModel(model, clock_.NowMillis()));
  return tx.Commit();
}

Result<int> ModelTable::GetAlias(const std::string& model, const std::string& alias) {
  EL_RETURN_IF_ERROR(ValidateModelName(model));
  EL_RETURN_IF_ERROR(ValidateAliasName(alias));
  EL_RETURN_IF_ERROR(CheckModelExists(model));
  EL_ASSIGN_OR_RETURN(auto aliases, ReadAliases(model));
  auto it = aliases.find(alias);
  if (it != aliases.end()) return it->second;
  std::string known;
  for (const auto& [name, version] : aliases) {
    known += (known.empty() ? "" : ", ") + name + " -> " + std::to_string(version);
  }
  return NotFound(Quoted(model) + " has no alias '" + alias + "' (" +
                  (known.empty() ? "it has no aliases" : "aliases: " + known) +
                  "); set one with `edgeloop models alias " + model + " " + alias + " VERSION`");
}

Result<std::map<std::string, int>> ModelTable::ReadAliases(const std::string& model) {
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("SELECT alias, version FROM model_aliases WHERE model = ?1",
                                  "read aliases of " + Quoted(model)));
  st.Bind(1, model);
  std::map<std::string, int> aliases;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
    if (!has_row) break;
    aliases[st.ColumnText(0)] = static_cast<int>(st.ColumnInt64(1));
  }
  return aliases;
}

}  // namespace edgeloop::registry::internal
