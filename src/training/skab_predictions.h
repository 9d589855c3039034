// A table of stored SKAB detector predictions: per row the file, timestamp, true anomaly and
// changepoint labels, and one binary prediction column per detector (the layout of SKAB's
// reference predictions, e.g. DEV_subset_reference_predictions.csv).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "training/skab_metrics.h"

namespace edgeloop::training {

// One detector's predictions split into one SkabSeries per file (in file order of first
// appearance). A plain value type.
struct SkabDetectorPredictions {
  std::string detector;  // the column name, e.g. "pred_Conv_AE"
  std::vector<SkabSeries> series;
};

// Parses comma-separated text with a header naming `datetime`, `anomaly` and `changepoint`,
// optionally `file` (rows of one file are one series; without it all rows are one series) and
// `row_in_file`; every other column is a detector. Labels must be 0/1; a prediction is 0/1 or
// empty (no prediction for that row). Errors: InvalidArgument "<name>:<line>: <reason>" for a
// missing required column, no detector column, a wrong field count, a bad timestamp or value.
Result<std::vector<SkabDetectorPredictions>> ParseSkabPredictions(std::string_view name,
                                                                  std::string_view text);

}  // namespace edgeloop::training
