// Offline scoring: `edgeloop score` runs a bundle over a readings history (or over feature rows)
// with the device's own code path — AssetPipeline per asset, so the same extractor, scorer,
// alert policy and contributions as a running agent, window for window.
//
// Thread-compatible; the model is shared and immutable. Errors: InvalidArgument naming the asset
// and the reading the extractor refused, or the feature row that does not fit the model.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/active_model.h"
#include "api/records.h"
#include "base/clock.h"
#include "base/readings.h"

namespace edgeloop::agent {

struct OfflineScore {
  std::string asset;
  int64_t time_ms = 0;  // window end (readings) or the row's time (feature rows; 0 if none)
  bool scored = false;  // false: every model input was missing
  double score = 0;
  bool over = false;
  std::string alert;  // "raised", "resumed", "cleared" or ""
  std::string alert_id;
  std::vector<api::Contribution> top;  // for alerts raised or resumed
};

// Every window of every asset, assets in the given order, each up to its last reading.
Result<std::vector<OfflineScore>> ScoreReadings(const std::shared_ptr<const ActiveModel>& model,
                                                const std::vector<AssetReadings>& readings,
                                                const std::vector<Waveform>& waveforms,
                                                const Clock& clock, int top_contributions = 5);

// Feature rows in the model's input order (NaN = missing), one asset/time per row; alerts follow
// the policy per asset in row order.
Result<std::vector<OfflineScore>> ScoreFeatureRows(const std::shared_ptr<const ActiveModel>& model,
                                                   const std::vector<std::string>& assets,
                                                   const std::vector<int64_t>& times,
                                                   const std::vector<std::vector<double>>& rows,
                                                   int top_contributions = 5);

}  // namespace edgeloop::agent
