#include "api/score_api.h"

#include <cmath>

#include "api/json_fields.h"

namespace edgeloop::api {
namespace {

using nlohmann::json;

constexpr const char* kDoc = "score request";

Result<FeatureRowInput> ParseRow(const json& value, const std::string& path) {
  if (!value.is_object()) return InvalidArgument(std::string(kDoc) + ": " + path + ": expected an object");
  JsonFields f(value, kDoc, path);
  EL_RETURN_IF_ERROR(f.OnlyKnown({"asset", "features"}));
  FeatureRowInput row;
  if (f.Has("asset")) {
    EL_ASSIGN_OR_RETURN(row.asset, f.String("asset"));
  }
  EL_ASSIGN_OR_RETURN(JsonFields features, f.Object("features"));
  for (auto it = features.node().begin(); it != features.node().end(); ++it) {
    EL_ASSIGN_OR_RETURN(double v, features.Number(it.key()));
    row.features[it.key()] = v;
  }
  return row;
}

Result<AssetReadings> ParseReadings(const JsonFields& f) {
  EL_RETURN_IF_ERROR(f.OnlyKnown({"asset", "time_ms", "values"}));
  AssetReadings readings;
  EL_ASSIGN_OR_RETURN(readings.asset, f.String("asset"));
  EL_ASSIGN_OR_RETURN(const json* times, f.Array("time_ms"));
  for (size_t i = 0; i < times->size(); ++i) {
    const json& t = (*times)[i];
    if (!t.is_number_integer()) return f.Error("time_ms[" + std::to_string(i) + "]", "expected an integer");
    readings.time_ms.push_back(t.get<int64_t>());
    if (i > 0 && readings.time_ms[i] <= readings.time_ms[i - 1]) {
      return f.Error("time_ms[" + std::to_string(i) + "]", "expected times in strictly increasing order");
    }
  }
  if (readings.time_ms.size() > kMaxScoreRows * 100) return f.Error("time_ms", "too many readings");
  EL_ASSIGN_OR_RETURN(JsonFields values, f.Object("values"));
  for (auto it = values.node().begin(); it != values.node().end(); ++it) {
    EL_ASSIGN_OR_RETURN(std::vector<double> column, values.Numbers(it.key()));
    if (column.size() != readings.time_ms.size()) {
      return values.Error(it.key(), "expected " + std::to_string(readings.time_ms.size()) +
                                        " values, one per time, got " + std::to_string(column.size()));
    }
    readings.signals.push_back(it.key());
    readings.values.push_back(std::move(column));
  }
  return readings;
}

}  // namespace

Result<ScoreRequest> ParseScoreRequest(std::string_view text) {
  json doc;
  EL_RETURN_IF_ERROR(JsonFields::ParseObject(text, kDoc, &doc));
  JsonFields f(doc, kDoc);
  EL_RETURN_IF_ERROR(f.OnlyKnown({"rows", "readings", "explain", "top"}));
  ScoreRequest request;
  if (f.Has("explain")) {
    EL_ASSIGN_OR_RETURN(request.explain, f.Bool("explain"));
  }
  if (f.Has("top")) {
    EL_ASSIGN_OR_RETURN(int64_t top, f.Int("top"));
    if (top < 1 || top > 1000) return f.Error("top", "expected 1..1000");
    request.top = static_cast<int>(top);
  }
  if (f.Has("rows") == f.Has("readings")) {
    return InvalidArgument(std::string(kDoc) + ": expected either \"rows\" or \"readings\"");
  }
  if (f.Has("rows")) {
    EL_ASSIGN_OR_RETURN(const json* rows, f.Array("rows"));
    if (rows->empty()) return f.Error("rows", "expected at least one row");
    if (rows->size() > kMaxScoreRows) {
      return f.Error("rows", "at most " + std::to_string(kMaxScoreRows) + " rows per request");
    }
    for (size_t i = 0; i < rows->size(); ++i) {
      EL_ASSIGN_OR_RETURN(FeatureRowInput row, ParseRow((*rows)[i], "rows[" + std::to_string(i) + "]"));
      request.rows.push_back(std::move(row));
    }
  } else {
    EL_ASSIGN_OR_RETURN(JsonFields readings, f.Object("readings"));
    EL_ASSIGN_OR_RETURN(request.readings, ParseReadings(readings));
  }
  return request;
}

std::string ToJson(const ScoreResponse& r) {
  json results = json::array();
  for (const ScoredWindow& w : r.results) {
    json item{{"score", WireNumber(w.score)}, {"over", w.over}};
    if (!w.asset.empty()) item["asset"] = w.asset;
    if (r.from_readings) item["window_end_ms"] = w.window_end_ms;
    if (!w.contributions.empty()) {
      json c = json::array();
      for (const Contribution& x : w.contributions) c.push_back({{"feature", x.feature}, {"value", WireNumber(x.value)}});
      item["contributions"] = c;
    }
    results.push_back(std::move(item));
  }
  return json{{"bundle", {{"name", r.bundle_name}, {"version", r.model_version}, {"digest", r.bundle_digest}}},
              {"threshold", WireNumber(r.threshold)},
              {"results", results}}
      .dump();
}

}  // namespace edgeloop::api
