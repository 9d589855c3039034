#include "server/event_routes.h"

#include <set>

#include <nlohmann/json.hpp>

#include "api/json_fields.h"
#include "base/time_format.h"
#include "io/events_reader.h"
#include "rollout/fleet_names.h"
#include "server/event_table.h"
#include "server/rest_json.h"

namespace edgeloop::server {
namespace {

using nlohmann::json;

constexpr int kMaxEventsListed = 10'000;

// One element of the JSON array; `at` is "body[3]".
Result<io::Event> ParseEvent(const json& node, const std::string& doc, const std::string& at) {
  if (!node.is_object()) return InvalidArgument(doc + ": " + at + ": expected an object");
  api::JsonFields f(node, doc, at);
  EL_RETURN_IF_ERROR(f.OnlyKnown({"time", "asset", "kind", "failure_mode"}));
  io::Event e;
  auto time = node.find("time");
  if (time == node.end()) return f.Error("time", "missing");
  if (time->is_number_integer()) {
    e.time_ms = time->get<int64_t>();
  } else if (time->is_string()) {
    Result<int64_t> parsed = ParseTimestamp(time->get<std::string>());
    if (!parsed.ok()) return f.Error("time", parsed.status().message());
    e.time_ms = *parsed;
  } else {
    return f.Error("time", "expected a UTC timestamp string or integer milliseconds");
  }
  EL_ASSIGN_OR_RETURN(e.asset, f.String("asset"));
  EL_ASSIGN_OR_RETURN(std::string kind, f.String("kind"));
  if (!io::ParseEventKind(kind, &e.kind)) {
    return f.Error("kind", "'" + kind + "' is not failure, repair, maintenance or inspection");
  }
  if (f.Has("failure_mode") && !node["failure_mode"].is_null()) {
    EL_ASSIGN_OR_RETURN(e.failure_mode, f.String("failure_mode"));
  }
  if (e.kind == io::EventKind::kFailure && e.failure_mode.empty()) {
    e.failure_mode = io::kUnknownFailureMode;
  }
  return e;
}

Status CheckAssets(const std::vector<io::Event>& events, const std::string& doc) {
  if (events.empty()) return InvalidArgument(doc + ": expected at least one event");
  if (events.size() > kMaxEventsPerPost) {
    return InvalidArgument(doc + ": " + std::to_string(events.size()) +
                           " events in one request; send at most " +
                           std::to_string(kMaxEventsPerPost));
  }
  for (size_t i = 0; i < events.size(); ++i) {
    Status ok = rollout::ValidateAssetId(events[i].asset);
    if (!ok.ok()) return ok.WithContext(doc + ": event " + std::to_string(i + 1));
  }
  return Status::Ok();
}

Result<net::HttpResponse> Store(EventRoutesContext& c, const std::vector<io::Event>& events,
                                const Principal& principal, const std::string& action) {
  EventsAdded added;
  {
    EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, c.db.Acquire());
    EL_ASSIGN_OR_RETURN(added,
                        EventTable(lease.db()).Add(events, principal.token_id, c.clock.NowMillis()));
  }
  if (added.added > 0) {
    std::set<std::string> assets;
    for (const io::Event& e : events) assets.insert(e.asset);
    json detail = {{"added", added.added},
                   {"duplicates", added.duplicates},
                   {"asset_count", assets.size()}};
    if (assets.size() <= 50) detail["assets"] = assets;
    EL_RETURN_IF_ERROR(c.audit.Record(principal, action, "events", detail.dump()));
  }
  return JsonReply(added.added > 0 ? 201 : 200,
                   json{{"added", added.added}, {"duplicates", added.duplicates}});
}

Result<net::HttpResponse> PostJson(EventRoutesContext& c, const net::HttpRequest& request,
                                   const Principal& principal) {
  const std::string doc = RequestName(request) + ": body";
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return InvalidArgument(doc + ": not valid JSON");
  if (!body.is_array()) return InvalidArgument(doc + ": expected a JSON array of events");
  std::vector<io::Event> events;
  events.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    EL_ASSIGN_OR_RETURN(io::Event e, ParseEvent(body[i], doc, "[" + std::to_string(i) + "]"));
    events.push_back(std::move(e));
  }
  EL_RETURN_IF_ERROR(CheckAssets(events, doc));
  return Store(c, events, principal, "events.record");
}

Result<net::HttpResponse> PostCsv(EventRoutesContext& c, const net::HttpRequest& request,
                                  const Principal& principal) {
  const std::string doc = RequestName(request) + " body";
  EL_ASSIGN_OR_RETURN(std::vector<io::Event> events, io::ParseEventsCsv(doc, request.body));
  EL_RETURN_IF_ERROR(CheckAssets(events, doc));
  return Store(c, events, principal, "events.import");
}

json EventJson(const StoredEvent& s) {
  return json{{"id", s.id},
              {"time", FormatTimestamp(s.event.time_ms)},
              {"time_ms", s.event.time_ms},
              {"asset", s.event.asset},
              {"kind", std::string(io::EventKindName(s.event.kind))},
              {"failure_mode", s.event.failure_mode.empty() ? json(nullptr)
                                                            : json(s.event.failure_mode)},
              {"recorded", FormatTimestamp(s.recorded_ms)},
              {"recorded_by", s.recorded_by}};
}

Result<net::HttpResponse> List(EventRoutesContext& c, const net::HttpRequest& request) {
  EL_RETURN_IF_ERROR(OnlyKnownQuery(request, {"asset", "from", "to", "limit"}));
  EventQuery query;
  if (auto it = request.query.find("asset"); it != request.query.end()) query.asset = it->second;
  EL_ASSIGN_OR_RETURN(query.from_ms, QueryTime(request, "from"));
  EL_ASSIGN_OR_RETURN(query.to_ms, QueryTime(request, "to"));
  EL_ASSIGN_OR_RETURN(int64_t limit, QueryInt(request, "limit", 1000, 1, kMaxEventsListed));
  query.limit = static_cast<int>(limit);
  EL_ASSIGN_OR_RETURN(ServerDb::Lease lease, c.db.Acquire());
  EL_ASSIGN_OR_RETURN(std::vector<StoredEvent> events, EventTable(lease.db()).Query(query));
  json out = json::array();
  for (const StoredEvent& s : events) out.push_back(EventJson(s));
  return JsonReply(200, json{{"events", out}});
}

net::HttpResponse Reply(const Result<net::HttpResponse>& result) {
  return result.ok() ? *result : StatusResponse(result.status());
}

}  // namespace

Status AddEventRoutes(RestRoutes& routes, EventRoutesContext& context) {
  EventRoutesContext* c = &context;
  EL_RETURN_IF_ERROR(routes.Add("POST", "/api/v1/events", Access::kOperate,
                                [c](const net::HttpRequest& request, const Principal& principal) {
                                  return Reply(PostJson(*c, request, principal));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("POST", "/api/v1/events/import", Access::kOperate,
                                [c](const net::HttpRequest& request, const Principal& principal) {
                                  return Reply(PostCsv(*c, request, principal));
                                }));
  EL_RETURN_IF_ERROR(routes.Add("GET", "/api/v1/events", Access::kRead,
                                [c](const net::HttpRequest& request, const Principal&) {
                                  return Reply(List(*c, request));
                                }));
  return Status::Ok();
}

}  // namespace edgeloop::server
