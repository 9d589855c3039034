// GoldenSet: golden inputs and outputs that ride along in a bundle (golden.csv), so a device can
// smoke-test a model before it switches to it.
//
// The CSV has a header of the input schema's feature names followed by `score`, then one line
// per row: the feature values and the expected score, each written as the shortest text that
// reads back as the same double ("nan" for a missing value), so parsing is exact.
//
// A plain value: copyable, not synchronised. Parse returns InvalidArgument
// "golden.csv:<line>: <what was expected>".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/scorer.h"

namespace edgeloop::bundle {

inline constexpr std::string_view kGoldenScoreColumn = "score";
// How far a reproduced score may be from the golden one.
inline constexpr double kGoldenTolerance = 1e-6;

struct GoldenSet {
  std::vector<std::string> feature_names;
  std::vector<std::vector<double>> rows;  // each feature_names.size() wide
  std::vector<double> scores;             // one per row

  // Scores `rows` with `scorer`; InvalidArgument when the names or a row's width differ from the
  // scorer's number of features.
  static Result<GoldenSet> Compute(const models::Scorer& scorer,
                                   std::vector<std::string> feature_names,
                                   std::vector<std::vector<double>> rows);
  static Result<GoldenSet> Parse(std::string_view csv);
  std::string ToCsv() const;

  // OK when `scorer` reproduces every golden score within kGoldenTolerance; otherwise
  // DataLoss naming the first row that differs, with both values.
  Status Check(const models::Scorer& scorer) const;
};

}  // namespace edgeloop::bundle
