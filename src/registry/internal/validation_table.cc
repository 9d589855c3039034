#include "registry/internal/validation_table.h"

#include "base/sha256.h"
#include "registry/internal/json_text.h"
#include "registry/names.h"
#include "store/artifact_store.h"
#include "store/statement.h"
#include "store/transaction.h"

namespace edgeloop::registry::internal {
namespace {

std::string Named(const std::string& model, int version) {
  return "model '" + model + "' version " + std::to_string(version);
}

}  // namespace

Status ValidationTable::CheckVersionExists(const std::string& model, int version,
                                           const std::string& purpose) {
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("SELECT 1 FROM model_versions WHERE model = ?1 AND version = ?2",
                                  purpose));
  st.Bind(1, model).Bind(2, version);
  EL_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound(Named(model, version) + " is not in the registry");
  return Status::Ok();
}

Result<ValidationRecord> ValidationTable::Record(const ValidationRecord& record) {
  EL_RETURN_IF_ERROR(ValidateModelName(record.model));
  if (record.version < 1) {
    return InvalidArgument(Named(record.model, record.version) + ": versions start at 1");
  }
  if (!store::IsSha256Hex(record.bundle_digest)) {
    return InvalidArgument("bundle digest '" + record.bundle_digest +
                           "' is not a sha256 digest (64 lowercase hex digits)");
  }
  EL_ASSIGN_OR_RETURN(std::string canonical,
                      CanonicalJsonObject(record.report_json, "validation report"));
  (void)canonical;  // checked only: the report is kept byte for byte as it was written

  ValidationRecord out = record;
  out.report_digest = Sha256Hex(record.report_json);
  const std::string purpose = "record a validation of " + Named(record.model, record.version);
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db_, purpose));
  EL_RETURN_IF_ERROR(CheckVersionExists(record.model, record.version, purpose));
  {
    EL_ASSIGN_OR_RETURN(
        store::Statement st,
        db_.Prepare("INSERT INTO model_validations (model, version, bundle_digest, passed, "
                    "report_json, report_digest, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                    "RETURNING id",
                    purpose));
    st.Bind(1, out.model).Bind(2, out.version).Bind(3, out.bundle_digest);
    st.Bind(4, out.passed ? 1 : 0).Bind(5, out.report_json).Bind(6, out.report_digest);
    st.Bind(7, out.created_ms);
    EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
    if (!has_row) return Internal(purpose + ": the insert returned no id");
    out.id = st.ColumnInt64(0);
    EL_RETURN_IF_ERROR(st.Run());
  }
  {
    EL_ASSIGN_OR_RETURN(store::Statement st,
                        db_.Prepare("UPDATE model_versions SET validation_report_digest = ?3 "
                                    "WHERE model = ?1 AND version = ?2",
                                    purpose));
    st.Bind(1, out.model).Bind(2, out.version).Bind(3, out.report_digest);
    EL_RETURN_IF_ERROR(st.Run());
  }
  EL_RETURN_IF_ERROR(tx.Commit());
  return out;
}

Result<std::vector<ValidationRecord>> ValidationTable::List(const std::string& model,
                                                            int version) {
  EL_RETURN_IF_ERROR(ValidateModelName(model));
  const std::string purpose = "list the validations of " + Named(model, version);
  EL_RETURN_IF_ERROR(CheckVersionExists(model, version, purpose));
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare("SELECT id, bundle_digest, passed, report_json, report_digest, created_ms "
                  "FROM model_validations WHERE model = ?1 AND version = ?2 ORDER BY id DESC",
                  purpose));
  st.Bind(1, model).Bind(2, version);
  std::vector<ValidationRecord> out;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
    if (!has_row) break;
    ValidationRecord r;
    r.id = st.ColumnInt64(0);
    r.model = model;
    r.version = version;
    r.bundle_digest = st.ColumnText(1);
    r.passed = st.ColumnInt64(2) != 0;
    r.report_json = st.ColumnText(3);
    r.report_digest = st.ColumnText(4);
    r.created_ms = st.ColumnInt64(5);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace edgeloop::registry::internal
