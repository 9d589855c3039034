#include "bundle/golden.h"

#include <cmath>
#include <utility>

#include "base/strings.h"

namespace edgeloop::bundle {
namespace {

Status LineError(size_t line, const std::string& what) {
  return InvalidArgument("golden.csv:" + std::to_string(line) + ": " + what);
}

}  // namespace

Result<GoldenSet> GoldenSet::Compute(const models::Scorer& scorer,
                                     std::vector<std::string> feature_names,
                                     std::vector<std::vector<double>> rows) {
  if (feature_names.size() != scorer.num_features()) {
    return InvalidArgument("golden set: " + std::to_string(feature_names.size()) +
                           " feature names, but the model takes " +
                           std::to_string(scorer.num_features()));
  }
  GoldenSet golden;
  golden.feature_names = std::move(feature_names);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != scorer.num_features()) {
      return InvalidArgument("golden row " + std::to_string(i) + ": expected " +
                             std::to_string(scorer.num_features()) + " values, got " +
                             std::to_string(rows[i].size()));
    }
    golden.scores.push_back(scorer.Score(rows[i].data()));
  }
  golden.rows = std::move(rows);
  return golden;
}

std::string GoldenSet::ToCsv() const {
  std::string out;
  for (const std::string& name : feature_names) out += name + ",";
  out += std::string(kGoldenScoreColumn) + "\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    for (double v : rows[i]) out += FormatDouble(v) + ",";
    out += FormatDouble(scores[i]) + "\n";
  }
  return out;
}

Result<GoldenSet> GoldenSet::Parse(std::string_view csv) {
  GoldenSet golden;
  std::vector<std::string_view> lines = Split(csv, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty()) return LineError(1, "expected a header line");
  std::vector<std::string_view> header = Split(lines[0], ',');
  if (header.size() < 2 || header.back() != kGoldenScoreColumn) {
    return LineError(1, "expected feature names followed by 'score'");
  }
  for (size_t c = 0; c + 1 < header.size(); ++c) golden.feature_names.emplace_back(header[c]);
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string_view> cells = Split(lines[i], ',');
    if (cells.size() != header.size()) {
      return LineError(i + 1, "expected " + std::to_string(header.size()) + " values, got " +
                                  std::to_string(cells.size()));
    }
    std::vector<double> row;
    for (size_t c = 0; c + 1 < cells.size(); ++c) {
      Result<double> v = ParseDouble(cells[c], /*allow_missing=*/true);
      if (!v.ok()) {
        return LineError(i + 1, golden.feature_names[c] + ": expected a number, got '" +
                                    std::string(cells[c]) + "'");
      }
      row.push_back(*v);
    }
    Result<double> score = ParseDouble(cells.back());
    if (!score.ok()) {
      return LineError(i + 1, "score: expected a number, got '" + std::string(cells.back()) + "'");
    }
    golden.rows.push_back(std::move(row));
    golden.scores.push_back(*score);
  }
  return golden;
}

Status GoldenSet::Check(const models::Scorer& scorer) const {
  if (feature_names.size() != scorer.num_features()) {
    return DataLoss("golden.csv: " + std::to_string(feature_names.size()) +
                    " feature columns, but the model takes " +
                    std::to_string(scorer.num_features()));
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    double got = scorer.Score(rows[i].data());
    if (!(std::fabs(got - scores[i]) <= kGoldenTolerance)) {
      return DataLoss("golden.csv: row " + std::to_string(i + 1) + ": model scores " +
                      FormatDouble(got) + ", golden score is " + FormatDouble(scores[i]) +
                      " (tolerance 1e-06)");
    }
  }
  return Status::Ok();
}

}  // namespace edgeloop::bundle
