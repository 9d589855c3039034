// Bundles over REST (/api/v1/bundles...).
//
//   POST /api/v1/bundles                     admin      .elb bytes -> 201 new, 200 known
//   POST /api/v1/bundles/build               admin      {"model": "NAME@ALIAS|NAME@V"} -> 201/200
//   GET  /api/v1/bundles?model=&limit=       read       {"bundles": [summary...]}
//   GET  /api/v1/bundles/{digest}            read       summary + "manifest"
//   GET  /api/v1/bundles/{digest}/download   any token  the bytes; `Range: bytes=N-` -> 206
//
// An upload is verified (bundle/verifier.h) against the server's trusted keys before anything
// is stored; a bundle that fails gets 400 with the verifier's message, which names the failed
// check. Verified bytes go to the artifact store under their digest, so uploading the same
// bundle twice stores it once (200 the second time). A build signs with the server's key
// (pipeline/bundle_job.h), so the same version gives the same digest. New bundles are audited
// ("bundle.upload", "bundle.build"). Downloads serve the stored bytes as they are; devices verify
// what they got before using it.
#pragma once

#include <cstdint>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "bundle/signing_key.h"
#include "server/rest_context.h"
#include "server/rest_router.h"
#include "server/server_db.h"
#include "store/workspace.h"

namespace edgeloop::server {

struct BundleRoutesContext {
  ServerDb& db;
  store::Workspace& workspace;  // its artifact store holds the bytes
  AuditLog& audit;
  Clock& clock;
  std::vector<bundle::PublicKey> trusted_keys;  // empty: uploads are refused (409)
  const bundle::SigningKey* signing_key = nullptr;  // null: builds are refused (409)
  int64_t max_bundle_bytes = int64_t{64} << 20;
};

Status AddBundleRoutes(RestRouter& routes, BundleRoutesContext& context);

}  // namespace edgeloop::server
