// BundleTable: the bundles the server knows (table `bundles`), whose bytes live in the artifact
// store under their digest.
//
// A row is added when a bundle is uploaded and verifies, or when the server builds one; adding
// the same digest again changes nothing (Add reports whether the row is new). The manifest is
// kept as its canonical JSON so listing needs no unpacking.
//
// Ownership: refers to a Database (not thread-safe; one per connection). Errors: NotFound for an
// unknown digest; database errors as in store/database.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace edgeloop::server {

struct BundleRecord {
  std::string digest;  // sha256 of the bundle file
  std::string name;    // model name in the manifest
  int64_t version = 0;
  std::string model_kind;
  std::string signer_key_id;
  int64_t size_bytes = 0;
  std::string manifest_json;
  std::string source;  // "upload" or "build"
  int64_t added_ms = 0;
  std::string added_by;  // token id
};

class BundleTable {
 public:
  explicit BundleTable(store::Database& db) : db_(db) {}

  // True when the row is new; false when the digest was already there (the stored row wins).
  Result<bool> Add(const BundleRecord& record);
  Result<BundleRecord> Get(const std::string& digest);
  // Newest first; `model` "" = all models.
  Result<std::vector<BundleRecord>> List(const std::string& model, int limit);
  Result<int64_t> Count();

 private:
  store::Database& db_;
};

}  // namespace edgeloop::server
