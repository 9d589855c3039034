#include "server/bundle_table.h"

#include "base/sha256.h"
#include "store/statement.h"

namespace edgeloop::server {
namespace {

constexpr char kColumns[] =
    "digest, name, version, model_kind, signer_key_id, size_bytes, manifest_json, source, "
    "added_ms, added_by";

BundleRecord ReadRecord(const store::Statement& st) {
  BundleRecord r;
  r.digest = st.ColumnText(0);
  r.name = st.ColumnText(1);
  r.version = st.ColumnInt64(2);
  r.model_kind = st.ColumnText(3);
  r.signer_key_id = st.ColumnText(4);
  r.size_bytes = st.ColumnInt64(5);
  r.manifest_json = st.ColumnText(6);
  r.source = st.ColumnText(7);
  r.added_ms = st.ColumnInt64(8);
  r.added_by = st.ColumnText(9);
  return r;
}

}  // namespace

Result<bool> BundleTable::Add(const BundleRecord& r) {
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare(std::string("INSERT OR IGNORE INTO bundles (") + kColumns +
                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                  "add bundle " + ShortDigest(r.digest)));
  st.Bind(1, r.digest)
      .Bind(2, r.name)
      .Bind(3, r.version)
      .Bind(4, r.model_kind)
      .Bind(5, r.signer_key_id)
      .Bind(6, r.size_bytes)
      .Bind(7, r.manifest_json)
      .Bind(8, r.source)
      .Bind(9, r.added_ms)
      .Bind(10, r.added_by);
  EL_RETURN_IF_ERROR(st.Run());
  return db_.Changes() > 0;
}

Result<BundleRecord> BundleTable::Get(const std::string& digest) {
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare(std::string("SELECT ") + kColumns + " FROM bundles WHERE digest = ?1",
                  "read bundle " + ShortDigest(digest)));
  st.Bind(1, digest);
  EL_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound("bundle " + digest + " is not known to this server");
  return ReadRecord(st);
}

Result<std::vector<BundleRecord>> BundleTable::List(const std::string& model, int limit) {
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare(std::string("SELECT ") + kColumns +
                      " FROM bundles WHERE (?1 = '' OR name = ?1) "
                      "ORDER BY added_ms DESC, name, version DESC, digest LIMIT ?2",
                  "list bundles"));
  st.Bind(1, model).Bind(2, limit);
  std::vector<BundleRecord> out;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadRecord(st));
  }
  return out;
}

Result<int64_t> BundleTable::Count() {
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("SELECT COUNT(*) FROM bundles", "count bundles"));
  EL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.ColumnInt64(0) : 0;
}

}  // namespace edgeloop::server
