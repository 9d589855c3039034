#include "edgeloop/cmd_tokens.h"

#include <nlohmann/json.hpp>

#include "base/time_format.h"
#include "edgeloop/cmd_runs.h"
#include "edgeloop/exit_code.h"
#include "registry/registry_schema.h"
#include "server/audit_table.h"
#include "server/server_schema.h"
#include "server/token_table.h"
#include "store/transaction.h"
#include "store/workspace.h"

namespace edgeloop::app {
namespace {

using nlohmann::json;

Result<std::unique_ptr<store::Workspace>> Open(const AppContext& context, bool create) {
  store::Workspace::Options options;
  options.create = create;
  options.schemas = {registry::RegistrySchema(), server::ServerSchema()};
  return store::Workspace::Open(context.home, *context.fs, options);
}

server::AuditEntry CliEntry(const AppContext& context, std::string action, std::string target,
                            json detail) {
  server::AuditEntry entry;
  entry.time_ms = context.clock->NowMillis();
  entry.token_id = "cli";
  entry.role = "admin";
  entry.name = "edgeloop tokens";
  entry.action = std::move(action);
  entry.target = std::move(target);
  entry.detail_json = detail.dump();
  return entry;
}

json TokenJson(const server::TokenRecord& r) {
  return json{{"id", r.id},
              {"role", std::string(server::RoleName(r.role))},
              {"name", r.name},
              {"device_id", r.device_id.empty() ? json(nullptr) : json(r.device_id)},
              {"created", FormatTimestamp(r.created_ms)},
              {"created_by", r.created_by},
              {"revoked", r.revoked() ? json(FormatTimestamp(r.revoked_ms)) : json(nullptr)}};
}

Result<server::IssuedToken> Create(const AppContext& context, const TokensCreateFlags& flags,
                                   server::SecretSource& secrets) {
  server::NewToken spec;
  if (!server::ParseRole(flags.role, &spec.role)) {
    return InvalidArgument("--role '" + flags.role + "' is not admin, operator or device");
  }
  spec.name = flags.name;
  spec.device_id = flags.device;
  spec.created_by = "cli";
  EL_ASSIGN_OR_RETURN(std::unique_ptr<store::Workspace> workspace, Open(context, true));
  store::Database& db = workspace->db();
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db, "create token"));
  EL_ASSIGN_OR_RETURN(server::IssuedToken issued,
                      server::TokenTable(db).Create(spec, secrets, context.clock->NowMillis()));
  json detail = {{"role", flags.role}, {"name", spec.name}};
  if (!spec.device_id.empty()) detail["device_id"] = spec.device_id;
  EL_RETURN_IF_ERROR(server::AuditTable(db)
                         .Append(CliEntry(context, "token.create", "token/" + issued.record.id,
                                          detail))
                         .status());
  EL_RETURN_IF_ERROR(tx.Commit());
  return issued;
}

Result<server::TokenRecord> Revoke(const AppContext& context, const std::string& id) {
  EL_ASSIGN_OR_RETURN(std::unique_ptr<store::Workspace> workspace, Open(context, false));
  store::Database& db = workspace->db();
  EL_ASSIGN_OR_RETURN(server::TokenRecord revoked,
                      server::TokenTable(db).Revoke(id, context.clock->NowMillis()));
  EL_RETURN_IF_ERROR(server::AuditTable(db)
                         .Append(CliEntry(context, "token.revoke", "token/" + id,
                                          json{{"name", revoked.name}}))
                         .status());
  return revoked;
}

}  // namespace

int RunTokensCreate(const AppContext& context, const TokensCreateFlags& flags,
                    server::SecretSource& secrets) {
  Result<server::IssuedToken> issued = Create(context, flags, secrets);
  if (!issued.ok()) return ReportFailure(issued.status(), context.err);
  if (flags.json) {
    json doc = TokenJson(issued->record);
    doc["token"] = issued->token;
    std::fprintf(context.out, "%s\n", doc.dump(2).c_str());
    return kExitOk;
  }
  std::fprintf(context.err, "%s token %s for '%s'; it is shown once, keep it now:\n",
               flags.role.c_str(), issued->record.id.c_str(), issued->record.name.c_str());
  std::fprintf(context.out, "%s\n", issued->token.c_str());
  return kExitOk;
}

int RunTokensList(const AppContext& context, const TokensListFlags& flags) {
  Result<std::unique_ptr<store::Workspace>> workspace = Open(context, false);
  if (!workspace.ok()) return ReportFailure(workspace.status(), context.err);
  Result<std::vector<server::TokenRecord>> tokens = server::TokenTable((*workspace)->db()).List();
  if (!tokens.ok()) return ReportFailure(tokens.status(), context.err);
  if (flags.json) {
    json doc = json::array();
    for (const server::TokenRecord& r : *tokens) doc.push_back(TokenJson(r));
    std::fprintf(context.out, "%s\n", json{{"tokens", doc}}.dump(2).c_str());
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"ID", "ROLE", "NAME", "DEVICE", "CREATED", "BY", "REVOKED"}};
  for (const server::TokenRecord& r : *tokens) {
    rows.push_back({r.id, std::string(server::RoleName(r.role)), r.name,
                    r.device_id.empty() ? "-" : r.device_id, FormatTimestamp(r.created_ms),
                    r.created_by, r.revoked() ? FormatTimestamp(r.revoked_ms) : "-"});
  }
  WriteAlignedTable(context.out, rows);
  return kExitOk;
}

int RunTokensRevoke(const AppContext& context, const TokensRevokeFlags& flags) {
  Result<server::TokenRecord> revoked = Revoke(context, flags.id);
  if (!revoked.ok()) return ReportFailure(revoked.status(), context.err);
  if (flags.json) {
    std::fprintf(context.out, "%s\n", TokenJson(*revoked).dump(2).c_str());
  } else {
    std::fprintf(context.out, "revoked %s (%s '%s')\n", revoked->id.c_str(),
                 std::string(server::RoleName(revoked->role)).c_str(), revoked->name.c_str());
  }
  return kExitOk;
}

}  // namespace edgeloop::app
