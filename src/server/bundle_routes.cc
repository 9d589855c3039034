#include "server/bundle_routes.h"

#include <nlohmann/json.hpp>

#include "api/json_fields.h"
#include "base/sha256.h"
#include "base/time_format.h"
#include "bundle/verifier.h"
#include "pipeline/bundle_job.h"
#include "server/bundle_table.h"
#include "server/byte_range.h"
#include "server/rest_json.h"
#include "store/artifact_store.h"

namespace edgeloop::server {
namespace {

using nlohmann::json;

constexpr int kMaxBundlesListed = 1000;

json Summary(const BundleRecord& r) {
  return json{{"digest", r.digest},
              {"name", r.name},
              {"version", r.version},
              {"model_kind", r.model_kind},
              {"signer_key_id", r.signer_key_id},
              {"size_bytes", r.size_bytes},
              {"source", r.source},
              {"added_ms", r.added_ms},
              {"added", FormatTimestamp(r.added_ms)},
              {"added_by", r.added_by},
              {"download_url", "/api/v1/bundles/" + r.digest + "/download"}};
}

BundleRecord RecordOf(const bundle::VerifiedBundle& verified, size_t size, std::string source,
                      int64_t now_ms, const Principal& principal) {
  BundleRecord r;
  r.digest = verified.digest;
  r.name = verified.manifest.name;
  r.version = verified.manifest.version;
  r.model_kind = verified.manifest.model_kind;
  r.signer_key_id = verified.signer_key_id;
  r.size_bytes = static_cast<int64_t>(size);
  r.manifest_json = verified.manifest.ToJson();
  r.source = std::move(source);
  r.added_ms = now_ms;
  r.added_by = principal.token_id;
  return r;
}

// Stores the row; audits and answers 201 when it is new, 200 when it was known.
Result<net::HttpResponse> Register(BundleRoutesContext& c, const BundleRecord& record,
                                   const Principal& principal, const std::string& action) {
  bool added = false;
  BundleRecord stored;
  {
    EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, c.db.Acquire());
    BundleTable table(lease.db());
    EL_ASSIGN_OR_RETURN(added, table.Add(record));
    EL_ASSIGN_OR_RETURN(stored, table.Get(record.digest));
  }
  if (added) {
    json detail = {{"name", record.name},
                   {"version", record.version},
                   {"size_bytes", record.size_bytes},
                   {"signer_key_id", record.signer_key_id}};
    EL_RETURN_IF_ERROR(c.audit.Record(principal, action, "bundle/" + record.digest, detail.dump()));
  }
  return JsonReply(added ? 201 : 200, Summary(stored));
}

Result<net::HttpResponse> Upload(BundleRoutesContext& c, const net::HttpRequest& request,
                                 const Principal& principal) {
  if (c.trusted_keys.empty()) {
    return FailedPrecondition(
        "this server trusts no signing keys, so it cannot accept bundles; start it with "
        "--trust KEY.pub");
  }
  if (request.body.empty()) {
    return InvalidArgument(RequestName(request) + ": body is empty; send the .elb file's bytes");
  }
  Result<bundle::VerifiedBundle> verified = bundle::VerifyBundle(request.body, c.trusted_keys);
  if (!verified.ok()) {
    // A bundle that does not verify is bad input from the caller, whichever check failed.
    if (verified.status().code() == StatusCode::kResourceExhausted) return verified.status();
    return InvalidArgument(verified.status().message());
  }
  EL_ASSIGN_OR_RETURN(std::string digest, c.workspace.artifacts().Put(request.body));
  if (digest != verified->digest) {
    return Internal("bundle " + verified->digest + " was stored under digest " + digest);
  }
  return Register(c, RecordOf(*verified, request.body.size(), "upload", c.clock.NowMillis(),
                              principal),
                  principal, "bundle.upload");
}

Result<net::HttpResponse> Build(BundleRoutesContext& c, const net::HttpRequest& request,
                                const Principal& principal) {
  EL_ASSIGN_OR_RETURN(json body, ParseBodyObject(request, {"model"}));
  EL_ASSIGN_OR_RETURN(std::string model,
                      api::JsonFields(body, RequestName(request) + ": body").String("model"));
  if (c.signing_key == nullptr) {
    return FailedPrecondition("this server has no signing key, so it cannot build bundles; "
                              "start it with --key KEY.key");
  }
  pipeline::BuiltBundle built;
  {
    EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, c.db.Acquire());
    EL_ASSIGN_OR_RETURN(built, pipeline::BuildBundleForVersion(model, *c.signing_key, c.workspace,
                                                               lease.registry()));
  }
  // The server's own key verifies what it just signed; this also gives the manifest to keep.
  EL_ASSIGN_OR_RETURN(bundle::VerifiedBundle verified,
                      bundle::VerifyBundle(built.bytes, {c.signing_key->public_key()}));
  return Register(c, RecordOf(verified, built.bytes.size(), "build", c.clock.NowMillis(),
                              principal),
                  principal, "bundle.build");
}

Result<net::HttpResponse> List(BundleRoutesContext& c, const net::HttpRequest& request) {
  EL_RETURN_IF_ERROR(OnlyKnownQuery(request, {"model", "limit"}));
  EL_ASSIGN_OR_RETURN(int64_t limit, QueryInt(request, "limit", 100, 1, kMaxBundlesListed));
  auto model = request.query.find("model");
  EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, c.db.Acquire());
  EL_ASSIGN_OR_RETURN(std::vector<BundleRecord> records,
                      BundleTable(lease.db()).List(model == request.query.end() ? "" : model->second,
                                                   static_cast<int>(limit)));
  json out = json::array();
  for (const BundleRecord& r : records) out.push_back(Summary(r));
  return JsonReply(200, json{{"bundles", out}});
}

Result<BundleRecord> Known(BundleRoutesContext& c, const net::HttpRequest& request) {
  const std::string digest = PathParam(request, "digest");
  if (!store::IsSha256Hex(digest)) {
    return InvalidArgument(RequestName(request) + ": '" + digest +
                           "' is not a bundle digest (64 lowercase hex digits)");
  }
  EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, c.db.Acquire());
  return BundleTable(lease.db()).Get(digest);
}

Result<net::HttpResponse> Show(BundleRoutesContext& c, const net::HttpRequest& request) {
  EL_ASSIGN_OR_RETURN(BundleRecord record, Known(c, request));
  json out = Summary(record);
  json manifest = json::parse(record.manifest_json, nullptr, /*allow_exceptions=*/false);
  if (manifest.is_discarded()) return DataLoss("bundle " + record.digest + ": stored manifest does not parse");
  out["manifest"] = std::move(manifest);
  return JsonReply(200, out);
}

Result<net::HttpResponse> Download(BundleRoutesContext& c, const net::HttpRequest& request) {
  EL_ASSIGN_OR_RETURN(BundleRecord record, Known(c, request));
  Result<std::string> bytes =
      c.workspace.fs().ReadFile(c.workspace.artifacts().PathOf(record.digest));
  if (!bytes.ok()) return bytes.status().WithContext("bundle " + record.digest);
  const uint64_t size = bytes->size();
  const ByteRange range = ParseByteRange(net::HeaderValue(request, "range"), size);
  net::HttpResponse response;
  response.content_type = "application/octet-stream";
  response.headers["accept-ranges"] = "bytes";
  response.headers["etag"] = "\"" + record.digest + "\"";
  switch (range.kind) {
    case ByteRange::Kind::kWhole:
      response.status = 200;
      response.body = std::move(bytes).value();
      break;
    case ByteRange::Kind::kPartial:
      response.status = 206;
      response.headers["content-range"] = range.ContentRange(size);
      response.body = bytes->substr(range.first, range.last - range.first + 1);
      break;
    case ByteRange::Kind::kUnsatisfiable:
      response = net::ErrorResponse(416, "bundle " + record.digest + " has " +
                                             std::to_string(size) + " bytes; range '" +
                                             net::HeaderValue(request, "range") +
                                             "' starts past its end");
      response.headers["content-range"] = range.ContentRange(size);
      break;
  }
  return response;
}

net::HttpResponse Reply(const Result<net::HttpResponse>& result) {
  return result.ok() ? *result : StatusResponse(result.status());
}

}  // namespace

Status AddBundleRoutes(RestRouter& routes, BundleRoutesContext& context) {
  BundleRoutesContext* c = &context;
  EL_RETURN_IF_ERROR(routes.AddWithBodyLimit(
      "POST", "/api/v1/bundles", Access::kAdmin, c->max_bundle_bytes,
      [c](const net::HttpRequest& request, const Principal& principal) {
        return Reply(Upload(*c, request, principal));
      }));
  EL_RETURN_IF_ERROR(routes.Add("POST", "/api/v1/bundles/build", Access::kAdmin,
                                [c](const net::HttpRequest& request, const Principal& principal) {
                                  return Reply(Build(*c, request, principal));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/bundles", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  return Reply(List(*c, request));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/bundles/{digest}", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  return Reply(Show(*c, request));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/bundles/{digest}/download", Access::kAnyToken,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  return Reply(Download(*c, request));
                                }));
  return Status::Ok();
}

}  // namespace edgeloop::server
