#include "registry/internal/run_table.h"

#include "base/build_info.h"
#include "base/ids.h"
#include "base/sha256.h"
#include "registry/internal/json_text.h"
#include "registry/names.h"
#include "store/artifact_store.h"
#include "store/statement.h"
#include "store/transaction.h"

namespace edgeloop::registry::internal {
namespace {

constexpr char kRunColumns[] =
    "id, kind, status, started_ms, finished_ms, config_text, config_digest, params_json, seed, "
    "nthread, code_version, library_versions_json, metrics_json, model_digest, report_digest, "
    "error, triggered_by";

Result<Run> RunFromRow(const store::Statement& st) {
  Run run;
  run.id = st.ColumnText(0);
  run.kind = st.ColumnText(1);
  EL_ASSIGN_OR_RETURN(run.status, ParseRunStatus(st.ColumnText(2)));
  run.started_ms = st.ColumnInt64(3);
  run.finished_ms = st.ColumnInt64(4);
  run.config_text = st.ColumnText(5);
  run.config_digest = st.ColumnText(6);
  run.params_json = st.ColumnText(7);
  run.seed = static_cast<uint64_t>(st.ColumnInt64(8));
  run.nthread = static_cast<int>(st.ColumnInt64(9));
  run.code_version = st.ColumnText(10);
  run.library_versions_json = st.ColumnText(11);
  run.metrics_json = st.ColumnText(12);
  run.model_digest = st.ColumnText(13);
  run.report_digest = st.ColumnText(14);
  run.error = st.ColumnText(15);
  run.trigger = st.ColumnText(16);
  return run;
}

Status CheckOptionalDigest(std::string_view what, const std::string& digest) {
  if (digest.empty() || store::IsSha256Hex(digest)) return Status::Ok();
  return InvalidArgument(std::string(what) + " '" + digest +
                         "' is not a sha256 digest (64 lowercase hex digits)");
}

Status ValidateSpec(const RunSpec& spec) {
  EL_RETURN_IF_ERROR(ValidateRunLabel("run kind", spec.kind));
  EL_RETURN_IF_ERROR(ValidateRunLabel("run trigger", spec.trigger));
  if (spec.nthread < 1) {
    return InvalidArgument("run nthread must be at least 1, got " + std::to_string(spec.nthread));
  }
  for (const auto& [name, digest] : spec.inputs) {
    EL_RETURN_IF_ERROR(ValidateRunLabel("run input name", name));
    if (!store::IsSha256Hex(digest)) {
      return InvalidArgument("run input '" + name + "' digest '" + digest +
                             "' is not a sha256 digest (64 lowercase hex digits)");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Run> RunTable::Create(const RunSpec& spec) {
  EL_RETURN_IF_ERROR(ValidateSpec(spec));
  Run run;
  run.kind = spec.kind;
  run.status = RunStatus::kRunning;
  run.config_text = spec.config_text;
  run.config_digest = Sha256Hex(spec.config_text);
  run.inputs = spec.inputs;
  EL_ASSIGN_OR_RETURN(run.params_json, CanonicalJsonObject(spec.params_json, "run params"));
  run.seed = spec.seed;
  run.nthread = spec.nthread;
  run.code_version = spec.code_version.empty() ? CodeVersion() : spec.code_version;
  EL_ASSIGN_OR_RETURN(run.library_versions_json,
                      CanonicalJsonObject(spec.library_versions_json, "run library versions"));
  run.trigger = spec.trigger;
  run.id = NewId("run", random_);
  run.started_ms = clock_.NowMillis();

  const std::string purpose = "create run " + run.id;
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db_, purpose));
  EL_ASSIGN_OR_RETURN(
      store::Statement insert,
      db_.Prepare("INSERT INTO runs (id, kind, status, started_ms, config_text, config_digest, "
                  "params_json, seed, nthread, code_version, library_versions_json, "
                  "metrics_json, triggered_by) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                  purpose));
  insert.Bind(1, run.id).Bind(2, run.kind).Bind(3, RunStatusName(run.status));
  insert.Bind(4, run.started_ms).Bind(5, run.config_text).Bind(6, run.config_digest);
  insert.Bind(7, run.params_json).Bind(8, static_cast<int64_t>(run.seed)).Bind(9, run.nthread);
  insert.Bind(10, run.code_version).Bind(11, run.library_versions_json);
  insert.Bind(12, run.metrics_json).Bind(13, run.trigger);
  EL_RETURN_IF_ERROR(insert.Run());
  EL_ASSIGN_OR_RETURN(store::Statement input,
                      db_.Prepare("INSERT INTO run_inputs (run_id, name, digest) "
                                  "VALUES (?1, ?2, ?3)",
                                  purpose + " (record inputs)"));
  for (const auto& [name, digest] : run.inputs) {
    input.Bind(1, run.id).Bind(2, name).Bind(3, digest);
    EL_RETURN_IF_ERROR(input.Run());
    EL_RETURN_IF_ERROR(input.Reset());
  }
  EL_RETURN_IF_ERROR(tx.Commit());
  return run;
}

Result<Run> RunTable::Finish(const std::string& run_id, const RunOutcome& outcome) {
  return Close(run_id, RunStatus::kFinished, outcome, "");
}

Result<Run> RunTable::Fail(const std::string& run_id, const std::string& message) {
  if (message.empty()) return InvalidArgument("run " + run_id + ": a failure needs a message");
  return Close(run_id, RunStatus::kFailed, RunOutcome(), message);
}

Result<Run> RunTable::Close(const std::string& run_id, RunStatus status, const RunOutcome& outcome,
                            const std::string& error) {
  RunOutcome clean = outcome;
  EL_ASSIGN_OR_RETURN(clean.metrics_json,
                      CanonicalJsonObject(outcome.metrics_json, "metrics of run " + run_id));
  EL_RETURN_IF_ERROR(CheckOptionalDigest("model digest of run " + run_id, clean.model_digest));
  EL_RETURN_IF_ERROR(CheckOptionalDigest("report digest of run " + run_id, clean.report_digest));

  const std::string purpose =
      std::string(status == RunStatus::kFinished ? "finish" : "fail") + " run " + run_id;
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db_, purpose));
  EL_ASSIGN_OR_RETURN(Run run, Get(run_id));
  if (run.status != RunStatus::kRunning) {
    return FailedPrecondition("run " + run_id + " is already " +
                              std::string(RunStatusName(run.status)) + "; only a running run can " +
                              (status == RunStatus::kFinished ? "finish" : "fail"));
  }
  run.status = status;
  run.finished_ms = clock_.NowMillis();
  run.metrics_json = clean.metrics_json;
  run.model_digest = clean.model_digest;
  run.report_digest = clean.report_digest;
  run.error = error;
  EL_ASSIGN_OR_RETURN(store::Statement update,
                      db_.Prepare("UPDATE runs SET status = ?2, finished_ms = ?3, "
                                  "metrics_json = ?4, model_digest = ?5, report_digest = ?6, "
                                  "error = ?7 WHERE id = ?1",
                                  purpose));
  update.Bind(1, run.id).Bind(2, RunStatusName(run.status)).Bind(3, run.finished_ms);
  update.Bind(4, run.metrics_json).Bind(5, run.model_digest).Bind(6, run.report_digest);
  update.Bind(7, run.error);
  EL_RETURN_IF_ERROR(update.Run());
  EL_RETURN_IF_ERROR(tx.Commit());
  return run;
}

Result<Run> RunTable::Get(const std::string& run_id) {
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?1",
                                  "read run " + run_id));
  st.Bind(1, run_id);
  EL_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound("run " + run_id + " does not exist");
  EL_ASSIGN_OR_RETURN(Run run, RunFromRow(st));
  EL_RETURN_IF_ERROR(ReadInputs(run));
  return run;
}

Status RunTable::CheckExists(const std::string& run_id) {
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("SELECT 1 FROM runs WHERE id = ?1", "look up run " + run_id));
  st.Bind(1, run_id);
  EL_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound("run " + run_id + " does not exist");
  return Status::Ok();
}

Status RunTable::ReadInputs(Run& run) {
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("SELECT name, digest FROM run_inputs WHERE run_id = ?1",
                                  "read inputs of run " + run.id));
  st.Bind(1, run.id);
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
    if (!has_row) break;
    run.inputs[st.ColumnText(0)] = st.ColumnText(1);
  }
  return Status::Ok();
}

Result<std::vector<Run>> RunTable::List(const RunFilter& filter) {
  // ?1 / ?2 are NULL when the filter is off; rowid orders runs started in the same millisecond.
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare(std::string("SELECT ") + kRunColumns +
                      " FROM runs WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR kind = ?2)"
                      " ORDER BY started_ms DESC, rowid DESC LIMIT ?3",
                  "list runs"));
  if (filter.status.has_value()) {
    st.Bind(1, RunStatusName(*filter.status));
  } else {
    st.BindNull(1);
  }
  if (!filter.kind.empty()) {
    st.Bind(2, filter.kind);
  } else {
    st.BindNull(2);
  }
  st.Bind(3, filter.limit > 0 ? int64_t{filter.limit} : int64_t{-1});
  std::vector<Run> runs;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
    if (!has_row) break;
    EL_ASSIGN_OR_RETURN(Run run, RunFromRow(st));
    runs.push_back(std::move(run));
  }
  for (Run& run : runs) EL_RETURN_IF_ERROR(ReadInputs(run));
  return runs;
}

}  // namespace edgeloop::registry::internal
