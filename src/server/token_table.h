// TokenTable: the API tokens of the server (table `tokens`, see server_schema.h).
//
// A token is shown once, when it is created, as "elt_<id>_<secret>": the public id
// ("tok-3f2a9c0d1e2b", what audit rows and `tokens list` show) and a 256-bit secret from a
// SecretSource as 64 hex digits. Only the SHA-256 of the secret is stored; authentication looks
// the id up and compares the hashes in constant time. A token has a role (admin, operator,
// device), a name saying what it is for, and for devices the device id it may sync as. Revoked
// tokens stay in the table (revoked_ms > 0) so audit rows keep naming them.
//
// Ownership: refers to a Database that must outlive it. Thread-safety: none (one per
// connection). Errors: InvalidArgument for a bad role/name/device id; NotFound for an unknown
// id; FailedPrecondition when revoking a revoked token; Unauthenticated from Authenticate (the
// message never contains the secret); database errors as in store/database.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "server/rest_context.h"
#include "server/secret_source.h"
#include "store/database.h"

namespace edgeloop::server {

inline constexpr std::string_view kTokenPrefix = "elt_";
inline constexpr size_t kTokenSecretBytes = 32;

struct TokenRecord {
  std::string id;  // "tok-3f2a9c0d1e2b"
  Role role = Role::kOperator;
  std::string name;
  std::string device_id;  // devices only
  int64_t created_ms = 0;
  std::string created_by;  // token id of the creator, or "cli" for `edgeloop tokens create`
  int64_t revoked_ms = 0;  // 0 while the token is valid

  bool revoked() const { return revoked_ms != 0; }
};

struct NewToken {
  Role role = Role::kOperator;
  std::string name;
  std::string device_id;  // required for devices, refused for the other roles
  std::string created_by = "cli";
};

// A token just made: its record and the full token text, which is never shown again.
struct IssuedToken {
  TokenRecord record;
  std::string token;
};

// The two parts of "elt_<id>_<64 hex>"; InvalidArgument (without echoing the text) otherwise.
struct TokenParts {
  std::string id;
  std::string secret_hex;
};
Result<TokenParts> ParseToken(std::string_view text);

class TokenTable {
 public:
  explicit TokenTable(store::Database& db) : db_(db) {}

  Result<IssuedToken> Create(const NewToken& spec, SecretSource& secrets, int64_t now_ms);
  Result<TokenRecord> Get(const std::string& id);
  // Oldest first, revoked ones included.
  Result<std::vector<TokenRecord>> List();
  Result<TokenRecord> Revoke(const std::string& id, int64_t now_ms);
  // True when at least one admin token is not revoked.
  Result<bool> HasActiveAdmin();
  // The principal of a valid token; Unauthenticated for a malformed, unknown, wrong or revoked
  // one.
  Result<Principal> Authenticate(std::string_view token);

 private:
  store::Database& db_;
};

}  // namespace edgeloop::server
