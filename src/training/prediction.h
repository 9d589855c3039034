// Prediction: one scored feature row, as the trainer hands test (and validation) rows to
// metrics, thresholds and callers that store them.
#pragma once

#include <cstdint>
#include <string>

namespace edgeloop::training {

struct Prediction {
  std::string asset;
  int64_t time_ms = 0;  // the window end
  double score = 0;     // probability of failure within the horizon, or predicted RUL hours
  double label = 0;     // 0/1 for classification, true RUL hours for regression
};

}  // namespace edgeloop::training
