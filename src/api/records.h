// Records: what an edge agent writes to its outbox and syncs to the server — feature rows,
// scores, alerts and sensor-health changes — and their JSON bodies on the wire.
//
// RecordKind's order is the outbox's drop order under a disk quota: feature rows thin out first,
// alerts are kept longest. Each body is a small JSON object; ToJson gives compact text with the
// shortest round-trip numbers (NaN becomes null), Parse... reads it back and returns
// InvalidArgument naming the field that is wrong. Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace edgeloop::api {

enum class RecordKind { kFeatures = 0, kScore = 1, kHealth = 2, kAlert = 3 };
inline constexpr int kNumRecordKinds = 4;

std::string_view RecordKindName(RecordKind kind);  // "features", "score", "health", "alert"
bool ParseRecordKind(std::string_view name, RecordKind* kind);

// One window's feature row, in the order of the running bundle's input schema.
struct FeatureRecord {
  std::string asset;
  int64_t window_end_ms = 0;
  std::string feature_spec_digest;
  std::vector<double> values;  // NaN = missing
};

struct ScoreRecord {
  std::string asset;
  int64_t window_end_ms = 0;
  double score = 0;
  double threshold = 0;
  std::string bundle_digest;
  int64_t model_version = 0;
};

struct Contribution {
  std::string feature;
  double value = 0;
};

enum class AlertState { kRaised, kResumed, kCleared };
std::string_view AlertStateName(AlertState state);  // "raised", "resumed", "cleared"

// An alert's life: raised when k of the last n windows are over the threshold, resumed when it
// comes back within the cooldown, cleared when the windows fall back under. `top` names the
// features that pushed the score up most (largest contributions first; empty for model kinds
// without explanations).
struct AlertRecord {
  std::string asset;
  std::string alert_id;  // "<asset>@<raise time ms>", the same for all records of one alert
  AlertState state = AlertState::kRaised;
  int64_t time_ms = 0;  // end of the window that changed the state
  double score = 0;
  double threshold = 0;
  std::vector<Contribution> top;
  std::string bundle_digest;
  int64_t model_version = 0;
};

enum class SensorHealth { kOk, kMissing, kStuck, kOutOfRange };
std::string_view SensorHealthName(SensorHealth health);  // "ok", "missing", "stuck", "out_of_range"
bool ParseSensorHealth(std::string_view name, SensorHealth* health);

// A sensor's health changed at the end of a window (a dead sensor is a fault, not drift).
struct HealthRecord {
  std::string asset;
  std::string signal;
  SensorHealth health = SensorHealth::kOk;
  int64_t time_ms = 0;
  double value = 0;  // the flag's value: missing share, stuck flag or out-of-range share
};

std::string ToJson(const FeatureRecord& record);
std::string ToJson(const ScoreRecord& record);
std::string ToJson(const AlertRecord& record);
std::string ToJson(const HealthRecord& record);

Result<FeatureRecord> ParseFeatureRecord(std::string_view json);
Result<ScoreRecord> ParseScoreRecord(std::string_view json);
Result<AlertRecord> ParseAlertRecord(std::string_view json);
Result<HealthRecord> ParseHealthRecord(std::string_view json);

}  // namespace edgeloop::api
