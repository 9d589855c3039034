// ControlPlane: the `edgeloop server` process in one object — the workspace (registry, artifact
// store, the server's tables), the fleet (devices, twins, synced records), the tokens, the audit
// log, metrics, and every REST route over an HTTP server.
//
// Create() opens (or makes) the workspace at options.home, applies the schemas, makes the first
// admin token when there is none (admin_bootstrap() says where it was written), and registers
// every route; Listen() then binds and serves until Stop() or destruction. Routes are known
// before listening, so routes() can be checked against the API documentation.
//
// Body limits: the transport refuses bodies over the larger of max_body_bytes and
// max_bundle_bytes (413); RestRouter holds every route but bundle upload to max_body_bytes.
//
// Ownership: owns everything it builds; refers to the seams, which must outlive it.
// Thread-safety: Create/Listen/Stop from one thread; handlers run on the server's workers.
// Errors: those of Workspace::Open and the database (FailedPrecondition for a database written
// by a newer edgeloop), IoError when admin.token cannot be written or the address not bound.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/file_system.h"
#include "base/log.h"
#include "base/status.h"
#include "bundle/signing_key.h"
#include "net/http_server.h"
#include "rollout/fleet_store.h"
#include "server/admin_token.h"
#include "server/audit_table.h"
#include "server/rest_router.h"
#include "server/secret_source.h"
#include "server/server_db.h"
#include "server/server_metrics.h"
#include "server/token_table.h"
#include "store/workspace.h"

namespace edgeloop::server {

struct ControlPlaneOptions {
  std::string home;
  std::vector<bundle::PublicKey> trusted_keys;   // bundles accepted on upload
  std::optional<bundle::SigningKey> signing_key;  // for POST /api/v1/bundles/build
  int64_t max_body_bytes = int64_t{16} << 20;     // every route but bundle upload
  int64_t max_bundle_bytes = int64_t{64} << 20;   // POST /api/v1/bundles
  int threads = 8;
  uint64_t seed = 0;  // registry ids (runs, datasets) made by the server
};

struct ControlPlaneSeams {
  FileSystem* fs = nullptr;
  Clock* clock = nullptr;
  SecretSource* secrets = nullptr;
  Logger* log = nullptr;
};

class ControlPlane {
 public:
  static Result<std::unique_ptr<ControlPlane>> Create(const ControlPlaneOptions& options,
                                                      const ControlPlaneSeams& seams);
  ~ControlPlane();
  ControlPlane(const ControlPlane&) = delete;
  ControlPlane& operator=(const ControlPlane&) = delete;

  // Binds host:port (port 0 = any free port) and returns the bound port.
  Result<int> Listen(const std::string& host, int port);
  // Finishes requests in flight and stops serving. Idempotent.
  void Stop();

  const AdminBootstrap& admin_bootstrap() const { return admin_bootstrap_; }
  const std::vector<RouteInfo>& routes() const { return router_->routes(); }

  // A new token (devices' tokens are issued when they are provisioned).
  Result<IssuedToken> IssueToken(const NewToken& spec);

  store::Workspace& workspace() { return *workspace_; }
  ServerDb& db() { return *db_; }
  rollout::FleetStore& fleet() { return *fleet_; }
  AuditLog& audit() { return *audit_; }
  ServerMetrics& metrics() { return metrics_; }

 private:
  struct RouteContexts;

  ControlPlane(const ControlPlaneOptions& options, const ControlPlaneSeams& seams);
  Status AddRoutes();

  const ControlPlaneOptions options_;
  const ControlPlaneSeams seams_;
  std::unique_ptr<store::Workspace> workspace_;
  std::unique_ptr<ServerDb> db_;
  std::unique_ptr<SqlAuditLog> audit_;
  std::unique_ptr<rollout::FleetStore> fleet_;
  ServerMetrics metrics_;
  AdminBootstrap admin_bootstrap_;
  std::unique_ptr<net::HttpServer> http_;
  std::unique_ptr<RestRouter> router_;
  std::unique_ptr<RouteContexts> contexts_;
};

}  // namespace edgeloop::server
