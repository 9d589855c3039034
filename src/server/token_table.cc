#include "server/token_table.h"

#include <sodium.h>

#include "base/sha256.h"
#include "base/time_format.h"
#include "rollout/fleet_names.h"
#include "store/statement.h"
#include "store/transaction.h"

namespace edgeloop::server {
namespace {

constexpr char kColumns[] = "id, role, name, device_id, created_ms, created_by, revoked_ms";
constexpr size_t kIdBytes = 6;
constexpr size_t kMaxTokenNameLength = 128;

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status ValidateTokenName(std::string_view name) {
  if (name.empty()) return InvalidArgument("token name is empty; say who or what it is for");
  if (name.size() > kMaxTokenNameLength) {
    return InvalidArgument("token name '" + std::string(name.substr(0, 32)) + "...' is longer than " +
                           std::to_string(kMaxTokenNameLength) + " characters");
  }
  for (char c : name) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f) {
      return InvalidArgument("token name '" + std::string(name) +
                             "' contains a control character");
    }
  }
  return Status::Ok();
}

Status ValidateSpec(const NewToken& spec) {
  EL_RETURN_IF_ERROR(ValidateTokenName(spec.name));
  if (spec.role == Role::kDevice) {
    if (spec.device_id.empty()) return InvalidArgument("a device token needs a device id");
    return rollout::ValidateDeviceId(spec.device_id);
  }
  if (!spec.device_id.empty()) {
    return InvalidArgument("only device tokens carry a device id; a " +
                           std::string(RoleName(spec.role)) + " token may not");
  }
  return Status::Ok();
}

Result<TokenRecord> ReadRecord(store::Statement& st) {
  TokenRecord r;
  r.id = st.ColumnText(0);
  const std::string role = st.ColumnText(1);
  if (!ParseRole(role, &r.role)) {
    return DataLoss("token " + r.id + " has an unknown role '" + role + "'");
  }
  r.name = st.ColumnText(2);
  r.device_id = st.ColumnText(3);
  r.created_ms = st.ColumnInt64(4);
  r.created_by = st.ColumnText(5);
  r.revoked_ms = st.ColumnInt64(6);
  return r;
}

Status Malformed() {
  return InvalidArgument("token is malformed: expected elt_<id>_<64 hex digits>");
}

}  // namespace

Result<TokenParts> ParseToken(std::string_view text) {
  if (!text.starts_with(kTokenPrefix)) return Malformed();
  text.remove_prefix(kTokenPrefix.size());
  const size_t sep = text.rfind('_');
  if (sep == std::string_view::npos || sep == 0) return Malformed();
  TokenParts parts{std::string(text.substr(0, sep)), std::string(text.substr(sep + 1))};
  if (parts.secret_hex.size() != 2 * kTokenSecretBytes || !IsLowerHex(parts.secret_hex)) {
    return Malformed();
  }
  if (!parts.id.starts_with("tok-") || parts.id.size() != 4 + 2 * kIdBytes ||
      !IsLowerHex(std::string_view(parts.id).substr(4))) {
    return Malformed();
  }
  return parts;
}

Result<IssuedToken> TokenTable::Create(const NewToken& spec, SecretSource& secrets,
                                       int64_t now_ms) {
  EL_RETURN_IF_ERROR(ValidateSpec(spec));
  IssuedToken issued;
  TokenRecord& r = issued.record;
  r.id = "tok-" + HexEncode(secrets.Bytes(kIdBytes));
  r.role = spec.role;
  r.name = spec.name;
  r.device_id = spec.device_id;
  r.created_ms = now_ms;
  r.created_by = spec.created_by;
  const std::string secret_hex = HexEncode(secrets.Bytes(kTokenSecretBytes));
  issued.token = std::string(kTokenPrefix) + r.id + "_" + secret_hex;

  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare("INSERT INTO tokens (id, secret_sha256, role, name, device_id, created_ms, "
                  "created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                  "create token " + r.id));
  st.Bind(1, r.id)
      .Bind(2, Sha256Hex(secret_hex))
      .Bind(3, RoleName(r.role))
      .Bind(4, r.name)
      .Bind(5, r.device_id)
      .Bind(6, r.created_ms)
      .Bind(7, r.created_by);
  EL_RETURN_IF_ERROR(st.Run());
  return issued;
}

Result<TokenRecord> TokenTable::Get(const std::string& id) {
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare(std::string("SELECT ") + kColumns + " FROM tokens WHERE id = ?1",
                                  "read token " + id));
  st.Bind(1, id);
  EL_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return NotFound("token " + id + " does not exist");
  return ReadRecord(st);
}

Result<std::vector<TokenRecord>> TokenTable::List() {
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare(std::string("SELECT ") + kColumns + " FROM tokens ORDER BY created_ms, id",
                  "list tokens"));
  std::vector<TokenRecord> out;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    EL_ASSIGN_OR_RETURN(TokenRecord r, ReadRecord(st));
    out.push_back(std::move(r));
  }
  return out;
}

Result<TokenRecord> TokenTable::Revoke(const std::string& id, int64_t now_ms) {
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db_, "revoke token " + id));
  EL_ASSIGN_OR_RETURN(TokenRecord r, Get(id));
  if (r.revoked()) {
    return FailedPrecondition("token " + id + " was already revoked at " +
                              FormatTimestamp(r.revoked_ms));
  }
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("UPDATE tokens SET revoked_ms = ?2 WHERE id = ?1",
                                  "revoke token " + id));
  // A clock at 0 (a test's) must still mark the token revoked.
  r.revoked_ms = now_ms > 0 ? now_ms : 1;
  st.Bind(1, id).Bind(2, r.revoked_ms);
  EL_RETURN_IF_ERROR(st.Run());
  EL_RETURN_IF_ERROR(tx.Commit());
  return r;
}

Result<bool> TokenTable::HasActiveAdmin() {
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare("SELECT 1 FROM tokens WHERE role = 'admin' AND revoked_ms = 0 LIMIT 1",
                  "look for an admin token"));
  return st.Step();
}

Result<Principal> TokenTable::Authenticate(std::string_view token) {
  Result<TokenParts> parts = ParseToken(token);
  if (!parts.ok()) return Unauthenticated(parts.status().message());
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare(std::string("SELECT ") + kColumns + ", secret_sha256 FROM tokens WHERE id = ?1",
                  "authenticate token " + parts->id));
  st.Bind(1, parts->id);
  EL_ASSIGN_OR_RETURN(bool found, st.Step());
  // The same answer for an unknown id and a wrong secret: a caller learns nothing either way.
  const Status rejected = Unauthenticated("token " + parts->id + " is not valid");
  if (!found) return rejected;
  EL_ASSIGN_OR_RETURN(TokenRecord r, ReadRecord(st));
  const std::string stored = st.ColumnText(7);
  const std::string given = Sha256Hex(parts->secret_hex);
  if (stored.size() != given.size() ||
      sodium_memcmp(stored.data(), given.data(), given.size()) != 0) {
    return rejected;
  }
  if (r.revoked()) {
    return Unauthenticated("token " + r.id + " was revoked at " + FormatTimestamp(r.revoked_ms));
  }
  return Principal{r.role, r.id, r.name, r.device_id};
}

}  // namespace edgeloop::server
