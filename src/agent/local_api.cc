#include "agent/local_api.h"

#include <nlohmann/json.hpp>

#include "agent/metrics_text.h"
#include "api/score_api.h"
#include "base/process_memory.h"

namespace edgeloop::agent {
namespace {

using nlohmann::json;

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kFailedPrecondition: return 503;
    default: return 500;
  }
}

}  // namespace

Status AddLocalApi(net::HttpServer& server, const EdgeAgent& agent) {
  EL_RETURN_IF_ERROR(server.Route("GET", "/healthz", [&agent](const net::HttpRequest&) {
    AgentSnapshot s = agent.Snapshot();
    const bool has_model = !s.bundle_digest.empty();
    json body{{"status", has_model ? "ok" : "no_model"},
              {"device", s.device_id},
              {"now_ms", s.now_ms},
              {"bundle", has_model ? json{{"name", s.bundle_name},
                                          {"version", s.bundle_version},
                                          {"digest", s.bundle_digest},
                                          {"probation", s.on_probation}}
                                   : json(nullptr)},
              {"last_bundle_event", s.last_bundle_event},
              {"assets", s.assets},
              {"alerts_open", s.alerts_open},
              {"sensor_faults_open", s.sensor_faults_open},
              {"source_errors", s.source_errors_total},
              {"last_source_error", s.last_source_error},
              {"outbox", {{"pending", s.outbox.pending_records},
                          {"pending_bytes", s.outbox.pending_bytes},
                          {"last_seq", s.outbox.last_seq},
                          {"acked_seq", s.outbox.acked_through}}}};
    return net::JsonResponse(has_model ? 200 : 503, body.dump());
  }));
  EL_RETURN_IF_ERROR(server.Route("GET", "/metrics", [&agent](const net::HttpRequest&) {
    Result<ProcessMemory> memory = ReadProcessMemory();
    net::HttpResponse response = net::TextResponse(
        200, RenderPrometheus(agent.Snapshot(), memory.ok() ? memory->rss_bytes : -1,
                              memory.ok() ? memory->peak_rss_bytes : -1));
    response.content_type = "text/plain; version=0.0.4";
    return response;
  }));
  EL_RETURN_IF_ERROR(server.Route("POST", "/v1/score", [&agent](const net::HttpRequest& request) {
    Result<api::ScoreRequest> parsed = api::ParseScoreRequest(request.body);
    if (!parsed.ok()) return net::ErrorResponse(400, parsed.status().message());
    Result<api::ScoreResponse> scored = agent.Score(*parsed);
    if (!scored.ok()) return net::ErrorResponse(HttpStatusFor(scored.status()), scored.status().message());
    return net::JsonResponse(200, api::ToJson(*scored));
  }));
  return Status::Ok();
}

}  // namespace edgeloop::agent
