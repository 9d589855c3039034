// The local scoring API of an edge agent, `POST /v1/score`, for site applications (HMI,
// historian) that want a prediction on demand.
//
// A request carries either feature rows by name —
//   {"rows": [{"asset": "P001", "features": {"vib_de_rms__mean": 4.2, ...}}], "explain": true}
// — (a feature the row does not give is missing, a name the model does not know is an error), or
// raw readings of one asset that the agent turns into windows with the same extractor it runs on
// its sensors —
//   {"readings": {"asset": "P001", "time_ms": [...], "values": {"flow": [...], ...}}}.
// "explain" adds each result's per-feature contributions, largest first, at most "top" of them
// (default 5). The response names the bundle that scored and the threshold.
// Parse returns InvalidArgument naming the field ("score request: rows[1].features.x: ...").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/records.h"
#include "base/readings.h"
#include "base/status.h"

namespace edgeloop::api {

inline constexpr size_t kMaxScoreRows = 10'000;

struct FeatureRowInput {
  std::string asset;  // optional
  std::map<std::string, double> features;
};

struct ScoreRequest {
  std::vector<FeatureRowInput> rows;
  std::optional<AssetReadings> readings;
  bool explain = false;
  int top = 5;
};

Result<ScoreRequest> ParseScoreRequest(std::string_view json);

struct ScoredWindow {
  std::string asset;
  int64_t window_end_ms = 0;  // readings requests only
  double score = 0;
  bool over = false;  // score >= threshold
  std::vector<Contribution> contributions;
};

struct ScoreResponse {
  std::string bundle_name;
  int64_t model_version = 0;
  std::string bundle_digest;
  double threshold = 0;
  bool from_readings = false;
  std::vector<ScoredWindow> results;
};

std::string ToJson(const ScoreResponse& response);

}  // namespace edgeloop::api
