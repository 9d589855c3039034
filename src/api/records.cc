#include "api/records.h"

#include "api/json_fields.h"

namespace edgeloop::api {
namespace {

using nlohmann::json;

json WireNumbers(const std::vector<double>& values) {
  json out = json::array();
  for (double v : values) out.push_back(WireNumber(v));
  return out;
}

}  // namespace

std::string_view RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kFeatures: return "features";
    case RecordKind::kScore: return "score";
    case RecordKind::kHealth: return "health";
    case RecordKind::kAlert: return "alert";
  }
  return "unknown";
}

bool ParseRecordKind(std::string_view name, RecordKind* kind) {
  for (int i = 0; i < kNumRecordKinds; ++i) {
    if (RecordKindName(static_cast<RecordKind>(i)) == name) {
      *kind = static_cast<RecordKind>(i);
      return true;
    }
  }
  return false;
}

std::string_view AlertStateName(AlertState state) {
  switch (state) {
    case AlertState::kRaised: return "raised";
    case AlertState::kResumed: return "resumed";
    case AlertState::kCleared: return "cleared";
  }
  return "unknown";
}

std::string_view SensorHealthName(SensorHealth health) {
  switch (health) {
    case SensorHealth::kOk: return "ok";
    case SensorHealth::kMissing: return "missing";
    case SensorHealth::kStuck: return "stuck";
    case SensorHealth::kOutOfRange: return "out_of_range";
  }
  return "unknown";
}

bool ParseSensorHealth(std::string_view name, SensorHealth* health) {
  for (SensorHealth h : {SensorHealth::kOk, SensorHealth::kMissing, SensorHealth::kStuck,
                         SensorHealth::kOutOfRange}) {
    if (SensorHealthName(h) == name) {
      *health = h;
      return true;
    }
  }
  return false;
}

std::string ToJson(const FeatureRecord& r) {
  return json{{"asset", r.asset},
              {"window_end_ms", r.window_end_ms},
              {"feature_spec_digest", r.feature_spec_digest},
              {"values", WireNumbers(r.values)}}
      .dump();
}

std::string ToJson(const ScoreRecord& r) {
  return json{{"asset", r.asset},
              {"window_end_ms", r.window_end_ms},
              {"score", WireNumber(r.score)},
              {"threshold", WireNumber(r.threshold)},
              {"bundle_digest", r.bundle_digest},
              {"model_version", r.model_version}}
      .dump();
}

std::string ToJson(const AlertRecord& r) {
  json top = json::array();
  for (const Contribution& c : r.top) top.push_back({{"feature", c.feature}, {"value", WireNumber(c.value)}});
  return json{{"asset", r.asset},
              {"alert_id", r.alert_id},
              {"state", AlertStateName(r.state)},
              {"time_ms", r.time_ms},
              {"score", WireNumber(r.score)},
              {"threshold", WireNumber(r.threshold)},
              {"top", top},
              {"bundle_digest", r.bundle_digest},
              {"model_version", r.model_version}}
      .dump();
}

std::string ToJson(const HealthRecord& r) {
  return json{{"asset", r.asset},
              {"signal", r.signal},
              {"health", SensorHealthName(r.health)},
              {"time_ms", r.time_ms},
              {"value", WireNumber(r.value)}}
      .dump();
}

Result<FeatureRecord> ParseFeatureRecord(std::string_view text) {
  json doc;
  EL_RETURN_IF_ERROR(JsonFields::ParseObject(text, "feature record", &doc));
  JsonFields f(doc, "feature record");
  FeatureRecord r;
  EL_ASSIGN_OR_RETURN(r.asset, f.String("asset"));
  EL_ASSIGN_OR_RETURN(r.window_end_ms, f.Int("window_end_ms"));
  EL_ASSIGN_OR_RETURN(r.feature_spec_digest, f.String("feature_spec_digest"));
  EL_ASSIGN_OR_RETURN(r.values, f.Numbers("values"));
  return r;
}

Result<ScoreRecord> ParseScoreRecord(std::string_view text) {
  json doc;
  EL_RETURN_IF_ERROR(JsonFields::ParseObject(text, "score record", &doc));
  JsonFields f(doc, "score record");
  ScoreRecord r;
  EL_ASSIGN_OR_RETURN(r.asset, f.String("asset"));
  EL_ASSIGN_OR_RETURN(r.window_end_ms, f.Int("window_end_ms"));
  EL_ASSIGN_OR_RETURN(r.score, f.Number("score"));
  EL_ASSIGN_OR_RETURN(r.threshold, f.Number("threshold"));
  EL_ASSIGN_OR_RETURN(r.bundle_digest, f.String("bundle_digest"));
  EL_ASSIGN_OR_RETURN(r.model_version, f.Int("model_version"));
  return r;
}

Result<AlertRecord> ParseAlertRecord(std::string_view text) {
  json doc;
  EL_RETURN_IF_ERROR(JsonFields::ParseObject(text, "alert record", &doc));
  JsonFields f(doc, "alert record");
  AlertRecord r;
  EL_ASSIGN_OR_RETURN(r.asset, f.String("asset"));
  EL_ASSIGN_OR_RETURN(r.alert_id, f.String("alert_id"));
  EL_ASSIGN_OR_RETURN(std::string state, f.String("state"));
  if (state == "raised") {
    r.state = AlertState::kRaised;
  } else if (state == "resumed") {
    r.state = AlertState::kResumed;
  } else if (state == "cleared") {
    r.state = AlertState::kCleared;
  } else {
    return f.Error("state", "expected raised, resumed or cleared");
  }
  EL_ASSIGN_OR_RETURN(r.time_ms, f.Int("time_ms"));
  EL_ASSIGN_OR_RETURN(r.score, f.Number("score"));
  EL_ASSIGN_OR_RETURN(r.threshold, f.Number("threshold"));
  EL_ASSIGN_OR_RETURN(const json* top, f.Array("top"));
  for (size_t i = 0; i < top->size(); ++i) {
    if (!(*top)[i].is_object()) return f.Error("top[" + std::to_string(i) + "]", "expected an object");
    JsonFields c((*top)[i], "alert record", "top[" + std::to_string(i) + "]");
    Contribution contribution;
    EL_ASSIGN_OR_RETURN(contribution.feature, c.String("feature"));
    EL_ASSIGN_OR_RETURN(contribution.value, c.Number("value"));
    r.top.push_back(std::move(contribution));
  }
  EL_ASSIGN_OR_RETURN(r.bundle_digest, f.String("bundle_digest"));
  EL_ASSIGN_OR_RETURN(r.model_version, f.Int("model_version"));
  return r;
}

Result<HealthRecord> ParseHealthRecord(std::string_view text) {
  json doc;
  EL_RETURN_IF_ERROR(JsonFields::ParseObject(text, "health record", &doc));
  JsonFields f(doc, "health record");
  HealthRecord r;
  EL_ASSIGN_OR_RETURN(r.asset, f.String("asset"));
  EL_ASSIGN_OR_RETURN(r.signal, f.String("signal"));
  EL_ASSIGN_OR_RETURN(std::string health, f.String("health"));
  if (!ParseSensorHealth(health, &r.health)) {
    return f.Error("health", "expected ok, missing, stuck or out_of_range");
  }
  EL_ASSIGN_OR_RETURN(r.time_ms, f.Int("time_ms"));
  EL_ASSIGN_OR_RETURN(r.value, f.Number("value"));
  return r;
}

}  // namespace edgeloop::api
