#include "registry/internal/dataset_table.h"

#include "base/ids.h"
#include "registry/names.h"
#include "store/artifact_store.h"
#include "store/statement.h"
#include "store/transaction.h"

namespace edgeloop::registry::internal {
namespace {

Status ValidateNewDataset(const NewDataset& spec) {
  EL_RETURN_IF_ERROR(ValidateDatasetName(spec.name));
  const std::string who = "dataset '" + spec.name + "'";
  if (!store::IsSha256Hex(spec.digest)) {
    return InvalidArgument(who + ": digest '" + spec.digest +
                           "' is not a sha256 digest (64 lowercase hex digits)");
  }
  if (spec.rows < 0 || spec.assets < 0) {
    return InvalidArgument(who + ": row and asset counts must not be negative");
  }
  if (spec.start_ms.has_value() != spec.end_ms.has_value()) {
    return InvalidArgument(who + ": a time range needs both a start and an end");
  }
  if (spec.start_ms.has_value() && *spec.start_ms > *spec.end_ms) {
    return InvalidArgument(who + ": the time range starts after it ends");
  }
  return Status::Ok();
}

void BindOptional(store::Statement& st, int index, const std::optional<int64_t>& value) {
  if (value.has_value()) {
    st.Bind(index, *value);
  } else {
    st.BindNull(index);
  }
}

}  // namespace

Result<Dataset> DatasetTable::Add(const NewDataset& spec) {
  EL_RETURN_IF_ERROR(ValidateNewDataset(spec));
  Dataset dataset;
  dataset.id = NewId("ds", random_);
  dataset.name = spec.name;
  dataset.kind = spec.kind;
  dataset.digest = spec.digest;
  dataset.rows = spec.rows;
  dataset.assets = spec.assets;
  dataset.start_ms = spec.start_ms;
  dataset.end_ms = spec.end_ms;
  dataset.source_file = spec.source_file;
  dataset.created_ms = clock_.NowMillis();

  const std::string purpose = "add dataset '" + spec.name + "'";
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db_, purpose));
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("INSERT INTO datasets (id, name, kind, digest, rows, assets, "
                                  "start_ms, end_ms, source_file, created_ms) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                                  purpose));
  st.Bind(1, dataset.id).Bind(2, dataset.name).Bind(3, DatasetKindName(dataset.kind));
  st.Bind(4, dataset.digest).Bind(5, dataset.rows).Bind(6, dataset.assets);
  BindOptional(st, 7, dataset.start_ms);
  BindOptional(st, 8, dataset.end_ms);
  st.Bind(9, dataset.source_file).Bind(10, dataset.created_ms);
  EL_RETURN_IF_ERROR(st.Run());
  EL_RETURN_IF_ERROR(tx.Commit());
  return dataset;
}

Result<std::vector<Dataset>> DatasetTable::Query(const std::string& name, int limit) {
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare("SELECT id, name, kind, digest, rows, assets, start_ms, end_ms, source_file, "
                  "created_ms FROM datasets WHERE (?1 IS NULL OR name = ?1) "
                  "ORDER BY created_ms DESC, rowid DESC LIMIT ?2",
                  name.empty() ? std::string("list datasets") : "read dataset '" + name + "'"));
  if (name.empty()) {
    st.BindNull(1);
  } else {
    st.Bind(1, name);
  }
  st.Bind(2, limit);
  std::vector<Dataset> datasets;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_row, st.Step());
    if (!has_row) break;
    Dataset d;
    d.id = st.ColumnText(0);
    d.name = st.ColumnText(1);
    EL_ASSIGN_OR_RETURN(d.kind, ParseDatasetKind(st.ColumnText(2)));
    d.digest = st.ColumnText(3);
    d.rows = st.ColumnInt64(4);
    d.assets = st.ColumnInt64(5);
    if (!st.ColumnIsNull(6)) d.start_ms = st.ColumnInt64(6);
    if (!st.ColumnIsNull(7)) d.end_ms = st.ColumnInt64(7);
    d.source_file = st.ColumnText(8);
    d.created_ms = st.ColumnInt64(9);
    datasets.push_back(std::move(d));
  }
  return datasets;
}

Result<Dataset> DatasetTable::Get(const std::string& name) {
  EL_RETURN_IF_ERROR(ValidateDatasetName(name));
  EL_ASSIGN_OR_RETURN(std::vector<Dataset> found, Query(name, 1));
  if (found.empty()) return NotFound("dataset '" + name + "' does not exist");
  return std::move(found.front());
}

Result<std::vector<Dataset>> DatasetTable::List() { return Query("", -1); }

}  // namespace edgeloop::registry::internal
