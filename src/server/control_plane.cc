#include "server/control_plane.h"

#include <algorithm>

#include "net/httplib_server.h"
#include "registry/registry_schema.h"
#include "server/bundle_routes.h"
#include "server/bundle_table.h"
#include "server/event_routes.h"
#include "server/event_table.h"
#include "server/fleet_routes.h"
#include "server/model_routes.h"
#include "server/server_schema.h"
#include "server/system_routes.h"

namespace edgeloop::server {

// The contexts the route handlers refer to; they live as long as the ControlPlane.
struct ControlPlane::RouteContexts {
  std::unique_ptr<SystemRoutesContext> system;
  std::unique_ptr<ModelRoutesContext> models;
  std::unique_ptr<BundleRoutesContext> bundles;
  std::unique_ptr<EventRoutesContext> events;
  std::unique_ptr<FleetContext> fleet;
};

ControlPlane::ControlPlane(const ControlPlaneOptions& options, const ControlPlaneSeams& seams)
    : options_(options), seams_(seams), contexts_(std::make_unique<RouteContexts>()) {}

ControlPlane::~ControlPlane() { Stop(); }

Result<std::unique_ptr<ControlPlane>> ControlPlane::Create(const ControlPlaneOptions& options,
                                                           const ControlPlaneSeams& seams) {
  EL_CHECK(seams.fs != nullptr && seams.clock != nullptr && seams.secrets != nullptr &&
           seams.log != nullptr);
  std::unique_ptr<ControlPlane> plane(new ControlPlane(options, seams));
  store::Workspace::Options ws;
  ws.create = true;
  ws.schemas = {registry::RegistrySchema(), ServerSchema()};
  EL_ASSIGN_OR_RETURN(plane->workspace_, store::Workspace::Open(options.home, *seams.fs, ws));
  EL_ASSIGN_OR_RETURN(plane->db_,
                      ServerDb::Open(plane->workspace_->DatabasePath(), *seams.clock, options.seed,
                                     std::max(options.threads, 1) * 2));
  plane->audit_ = std::make_unique<SqlAuditLog>(*plane->db_, *seams.clock);
  EL_ASSIGN_OR_RETURN(plane->fleet_, rollout::FleetStore::Open(plane->workspace_->DatabasePath()));
  EL_ASSIGN_OR_RETURN(plane->admin_bootstrap_,
                      EnsureAdminToken(plane->workspace_->db(), plane->workspace_->home(),
                                       *seams.secrets, *seams.clock));

  net::HttpServerOptions http;
  http.max_body_bytes = std::max(options.max_body_bytes, options.max_bundle_bytes);
  http.threads = options.threads;
  // A bundle upload on a slow link takes longer than one 5 s read.
  http.read_timeout_ms = 30'000;
  http.write_timeout_ms = 30'000;
  plane->http_ = net::NewHttplibServer(http);
  ServerDb* db = plane->db_.get();
  plane->router_ = std::make_unique<RestRouter>(
      *plane->http_,
      [db](std::string_view token) -> Result<Principal> {
        EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db->Acquire());
        return TokenTable(lease.db()).Authenticate(token);
      },
      plane->metrics_, *seams.clock, *seams.log, options.max_body_bytes);
  EL_RETURN_IF_ERROR(plane->AddRoutes());
  return plane;
}

Status ControlPlane::AddRoutes() {
  RouteContexts& c = *contexts_;
  c.system = std::make_unique<SystemRoutesContext>(SystemRoutesContext{*db_, metrics_});
  EL_RETURN_IF_ERROR(AddSystemRoutes(*router_, *c.system));
  c.models = std::make_unique<ModelRoutesContext>(ModelRoutesContext{*db_, *audit_});
  EL_RETURN_IF_ERROR(AddModelRoutes(*router_, *c.models));
  c.bundles = std::make_unique<BundleRoutesContext>(
      BundleRoutesContext{*db_, *workspace_, *audit_, *seams_.clock, options_.trusted_keys,
                          options_.signing_key ? &*options_.signing_key : nullptr,
                          options_.max_bundle_bytes});
  EL_RETURN_IF_ERROR(AddBundleRoutes(*router_, *c.bundles));
  c.events = std::make_unique<EventRoutesContext>(EventRoutesContext{*db_, *audit_, *seams_.clock});
  EL_RETURN_IF_ERROR(AddEventRoutes(*router_, *c.events));

  ServerDb* db = db_.get();
  c.fleet = std::make_unique<FleetContext>(FleetContext{
      *fleet_, *audit_, *seams_.clock,
      [db](const std::string& digest) {
        Result<ServerDb::Lease> lease = db->Acquire();
        return lease.ok() && BundleTable(lease->db()).Get(digest).ok();
      },
      [this](const std::string& device_id) -> Result<std::string> {
        NewToken spec;
        spec.role = Role::kDevice;
        spec.name = device_id;
        spec.device_id = device_id;
        spec.created_by = "device.provision";
        EL_ASSIGN_OR_RETURN(IssuedToken issued, IssueToken(spec));
        return issued.token;
      },
      seams_.log});
  EL_RETURN_IF_ERROR(AddFleetRoutes(*router_, *c.fleet));

  rollout::FleetStore* fleet = fleet_.get();
  metrics_.AddGauge("devices", "Devices provisioned.", [fleet]() -> Result<int64_t> {
    EL_ASSIGN_OR_RETURN(std::vector<rollout::Device> devices,
                        fleet->ListDevices(rollout::TagSelector()));
    return static_cast<int64_t>(devices.size());
  });
  metrics_.AddGauge("bundles", "Bundles known to the server.", [db]() -> Result<int64_t> {
    EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db->Acquire());
    return BundleTable(lease.db()).Count();
  });
  metrics_.AddGauge("events", "Maintenance events recorded through the API.",
                    [db]() -> Result<int64_t> {
                      EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db->Acquire());
                      return EventTable(lease.db()).Count();
                    });
  return Status::Ok();
}

Result<int> ControlPlane::Listen(const std::string& host, int port) {
  return http_->Listen(host, port);
}

void ControlPlane::Stop() {
  if (http_ != nullptr) http_->Stop();
}

Result<IssuedToken> ControlPlane::IssueToken(const NewToken& spec) {
  EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, db_->Acquire());
  return TokenTable(lease.db()).Create(spec, *seams_.secrets, seams_.clock->NowMillis());
}

}  // namespace edgeloop::server
