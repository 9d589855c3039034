#include "training/skab_predictions.h"

#include <cmath>
#include <limits>
#include <utility>

#include "base/strings.h"
#include "base/time_format.h"

namespace edgeloop::training {
namespace {

Status LineError(std::string_view name, size_t line, const std::string& reason) {
  return InvalidArgument(std::string(name) + ":" + std::to_string(line) + ": " + reason);
}

std::string_view StripCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// 0, 1 or (when `allow_empty`) NaN for an empty field.
Result<double> ParseBinary(std::string_view name, size_t line, const std::string& column,
                           std::string_view text, bool allow_empty) {
  text = Trim(text);
  if (text.empty() && allow_empty) return std::numeric_limits<double>::quiet_NaN();
  Result<double> value = ParseDouble(text);
  if (!value.ok() || (*value != 0.0 && *value != 1.0)) {
    return LineError(name, line, column + ": '" + std::string(text) + "' is not 0 or 1");
  }
  return *value;
}

}  // namespace

Result<std::vector<SkabDetectorPredictions>> ParseSkabPredictions(std::string_view name,
                                                                  std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const std::vector<std::string_view> lines = Split(text, '\n');
  if (lines.empty() || Trim(StripCr(lines[0])).empty()) return LineError(name, 1, "missing header");
  std::vector<std::string> header;
  for (std::string_view h : Split(StripCr(lines[0]), ',')) header.emplace_back(Trim(h));
  int file_col = -1, time_col = -1, anomaly_col = -1, cp_col = -1;
  std::vector<size_t> detector_cols;
  for (size_t c = 0; c < header.size(); ++c) {
    const std::string& h = header[c];
    if (h == "file") file_col = static_cast<int>(c);
    else if (h == "datetime") time_col = static_cast<int>(c);
    else if (h == "anomaly") anomaly_col = static_cast<int>(c);
    else if (h == "changepoint") cp_col = static_cast<int>(c);
    else if (h != "row_in_file") detector_cols.push_back(c);
  }
  if (time_col < 0 || anomaly_col < 0 || cp_col < 0) {
    return LineError(name, 1, "header must name datetime, anomaly and changepoint columns");
  }
  if (detector_cols.empty()) return LineError(name, 1, "header names no prediction column");

  std::vector<SkabDetectorPredictions> out(detector_cols.size());
  for (size_t d = 0; d < detector_cols.size(); ++d) out[d].detector = header[detector_cols[d]];
  std::string current_file;
  bool first_row = true;
  for (size_t l = 1; l < lines.size(); ++l) {
    const std::string_view line = StripCr(lines[l]);
    if (Trim(line).empty()) continue;
    const size_t line_no = l + 1;
    const std::vector<std::string_view> fields = Split(line, ',');
    if (fields.size() != header.size()) {
      return LineError(name, line_no, "expected " + std::to_string(header.size()) +
                                          " fields, got " + std::to_string(fields.size()));
    }
    const std::string file = file_col < 0 ? std::string() : std::string(Trim(fields[file_col]));
    if (first_row || file != current_file) {
      for (SkabDetectorPredictions& d : out) d.series.emplace_back();
      current_file = file;
      first_row = false;
    }
    Result<int64_t> time = ParseTimestamp(fields[time_col]);
    if (!time.ok()) return LineError(name, line_no, time.status().message());
    EL_ASSIGN_OR_RETURN(double anomaly,
                        ParseBinary(name, line_no, "anomaly", fields[anomaly_col], false));
    EL_ASSIGN_OR_RETURN(double cp, ParseBinary(name, line_no, "changepoint", fields[cp_col], false));
    for (size_t d = 0; d < detector_cols.size(); ++d) {
      EL_ASSIGN_OR_RETURN(double predicted, ParseBinary(name, line_no, out[d].detector,
                                                        fields[detector_cols[d]], true));
      SkabSeries& s = out[d].series.back();
      s.time_ms.push_back(*time);
      s.anomaly.push_back(anomaly == 1.0 ? 1 : 0);
      s.changepoint.push_back(cp == 1.0 ? 1 : 0);
      s.prediction.push_back(predicted);
    }
  }
  return out;
}

}  // namespace edgeloop::training
