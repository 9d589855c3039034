#include "server/model_routes.h"

#include <nlohmann/json.hpp>

#include "api/json_fields.h"
#include "base/strings.h"
#include "registry/names.h"
#include "registry/record_json.h"
#include "server/rest_json.h"

namespace edgeloop::server {
namespace {

using nlohmann::json;

constexpr int kMaxRuns = 1000;

Result<int> VersionParam(const net::HttpRequest& request) {
  const std::string text = PathParam(request, "version");
  Result<int64_t> v = ParseInt(text);
  if (!v.ok() || *v < 1 || *v > INT32_MAX) {
    return InvalidArgument(RequestName(request) + ": version '" + text +
                           "' is not a positive integer");
  }
  return static_cast<int>(*v);
}

Result<json> ListModels(ServerDb& db) {
  EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db.Acquire());
  EL_ASSIGN_OR_RETURN(std::vector<registry::Model> models, lease.registry().ListModels());
  json out = json::array();
  for (const registry::Model& m : models) out.push_back(registry::ModelToJson(m));
  return json{{"models", out}};
}

Result<json> GetModel(ServerDb& db, const std::string& name) {
  EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db.Acquire());
  EL_ASSIGN_OR_RETURN(registry::Model model, lease.registry().GetModel(name));
  return registry::ModelToJson(model);
}

Result<json> ListVersions(ServerDb& db, const std::string& name) {
  EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db.Acquire());
  EL_ASSIGN_OR_RETURN(std::vector<registry::ModelVersion> versions,
                      lease.registry().ListModelVersions(name));
  json out = json::array();
  for (const registry::ModelVersion& v : versions) out.push_back(registry::ModelVersionToJson(v));
  return json{{"versions", out}};
}

Result<json> GetVersion(ServerDb& db, const net::HttpRequest& request) {
  EL_ASSIGN_OR_RETURN(int version, VersionParam(request));
  EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db.Acquire());
  EL_ASSIGN_OR_RETURN(registry::ModelVersion v,
                      lease.registry().GetModelVersion(PathParam(request, "name"), version));
  return registry::ModelVersionToJson(v);
}

Result<json> SetAlias(ModelRoutesContext& c, const net::HttpRequest& request,
                      const Principal& principal) {
  const std::string name = PathParam(request, "name");
  const std::string alias = PathParam(request, "alias");
  EL_RETURN_IF_ERROR(registry::ValidateModelName(name));
  EL_RETURN_IF_ERROR(registry::ValidateAliasName(alias));
  EL_ASSIGN_OR_RETURN(json body, ParseBodyObject(request, {"version"}));
  EL_ASSIGN_OR_RETURN(int64_t version,
                      api::JsonFields(body, RequestName(request) + ": body").Int("version"));
  if (version < 1 || version > INT32_MAX) {
    return InvalidArgument(RequestName(request) + ": body: version: " + std::to_string(version) +
                           " is not a version number (1 or more)");
  }
  int previous = 0;
  {
    EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, c.db.Acquire());
    Result<int> before = lease.registry().GetAliasVersion(name, alias);
    if (before.ok()) previous = *before;
    EL_RETURN_IF_ERROR(lease.registry().SetAlias(name, alias, static_cast<int>(version)));
  }
  json detail = {{"version", version}, {"previous", previous == 0 ? json(nullptr) : json(previous)}};
  EL_RETURN_IF_ERROR(c.audit.Record(principal, "model.alias.set",
                                    "model/" + name + "/" + alias, detail.dump()));
  return json{{"model", name}, {"alias", alias}, {"version", version}};
}

Result<json> DeleteAlias(ModelRoutesContext& c, const net::HttpRequest& request,
                         const Principal& principal) {
  const std::string name = PathParam(request, "name");
  const std::string alias = PathParam(request, "alias");
  EL_RETURN_IF_ERROR(registry::ValidateModelName(name));
  EL_RETURN_IF_ERROR(registry::ValidateAliasName(alias));
  if (!Trim(request.body).empty()) {
    return InvalidArgument(RequestName(request) + ": takes no body");
  }
  int previous = 0;
  {
    EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, c.db.Acquire());
    EL_ASSIGN_OR_RETURN(previous, lease.registry().GetAliasVersion(name, alias));
    EL_RETURN_IF_ERROR(lease.registry().DeleteAlias(name, alias));
  }
  EL_RETURN_IF_ERROR(c.audit.Record(principal, "model.alias.delete",
                                    "model/" + name + "/" + alias,
                                    json{{"version", previous}}.dump()));
  return json{{"model", name}, {"alias", alias}, {"version", previous}, {"deleted", true}};
}

Result<json> ListRuns(ServerDb& db, const net::HttpRequest& request) {
  EL_RETURN_IF_ERROR(OnlyKnownQuery(request, {"limit", "status", "kind"}));
  registry::RunFilter filter;
  EL_ASSIGN_OR_RETURN(int64_t limit, QueryInt(request, "limit", 50, 1, kMaxRuns));
  filter.limit = static_cast<int>(limit);
  if (auto it = request.query.find("status"); it != request.query.end()) {
    Result<registry::RunStatus> status = registry::ParseRunStatus(it->second);
    if (!status.ok()) return status.status().WithContext(RequestName(request));
    filter.status = *status;
  }
  if (auto it = request.query.find("kind"); it != request.query.end()) filter.kind = it->second;
  EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db.Acquire());
  EL_ASSIGN_OR_RETURN(std::vector<registry::Run> runs, lease.registry().ListRuns(filter));
  json out = json::array();
  for (const registry::Run& r : runs) out.push_back(registry::RunToJson(r));
  return json{{"runs", out}};
}

Result<json> GetRun(ServerDb& db, const std::string& id) {
  EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db.Acquire());
  EL_ASSIGN_OR_RETURN(registry::Run run, lease.registry().GetRun(id));
  return registry::RunToJson(run);
}

net::HttpResponse Reply(const Result<json>& result) {
  if (!result.ok()) return StatusResponse(result.status());
  return JsonReply(200, *result);
}

}  // namespace

Status AddModelRoutes(RestRoutes& routes, ModelRoutesContext& context) {
  ModelRoutesContext* c = &context;
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/models", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  Status known = OnlyKnownQuery(request, {});
                                  if (!known.ok()) return StatusResponse(known);
                                  return Reply(ListModels(c->db));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/models/{name}", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  return Reply(GetModel(c->db, PathParam(request, "name")));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/models/{name}/versions", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  return Reply(ListVersions(c->db, PathParam(request, "name")));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/models/{name}/versions/{version}", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  return Reply(GetVersion(c->db, request));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("PUT", "/api/v1/models/{name}/aliases/{alias}", Access::kAdmin,
                                [c](const net::HttpRequest& request, const Principal& principal) {
                                  return Reply(SetAlias(*c, request, principal));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("DELETE", "/api/v1/models/{name}/aliases/{alias}", Access::kAdmin,
                                [c](const net::HttpRequest& request, const Principal& principal) {
                                  return Reply(DeleteAlias(*c, request, principal));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/runs", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  return Reply(ListRuns(c->db, request));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/runs/{id}", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  return Reply(GetRun(c->db, PathParam(request, "id")));
                                }));
  return Status::Ok();
}

}  // namespace edgeloop::server
