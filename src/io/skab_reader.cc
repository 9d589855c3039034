#include "io/skab_reader.h"

#include <cmath>
#include <utility>

#include "base/strings.h"
#include "base/time_format.h"

namespace edgeloop::io {
namespace {

Status LineError(std::string_view name, size_t line, const std::string& reason) {
  return InvalidArgument(std::string(name) + ":" + std::to_string(line) + ": " + reason);
}

std::string_view StripCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Result<int> ParseLabel(std::string_view name, size_t line, const std::string& column,
                       std::string_view text) {
  Result<double> value = ParseDouble(text);
  if (!value.ok() || std::isnan(*value) || (*value != 0.0 && *value != 1.0)) {
    return LineError(name, line,
                     column + " label '" + std::string(text) + "' is not 0 or 1");
  }
  return *value == 1.0 ? 1 : 0;
}

}  // namespace

std::string SkabSignalName(std::string_view column) {
  std::string name(column);
  for (char& c : name) {
    if (c == ' ') c = '_';
  }
  return name;
}

std::string SkabAssetName(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = file.find_last_of('.');
  if (dot != std::string_view::npos) file = file.substr(0, dot);
  if (slash == std::string_view::npos || slash == 0) return std::string(file);
  std::string_view dir = path.substr(0, slash);
  const size_t parent_slash = dir.find_last_of('/');
  if (parent_slash != std::string_view::npos) dir = dir.substr(parent_slash + 1);
  return std::string(dir) + "/" + std::string(file);
}

Result<SkabFile> ReadSkabCsv(const std::string& path, FileSystem& fs) {
  EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path));
  return ParseSkabCsv(path, text, SkabAssetName(path));
}

Result<SkabFile> ParseSkabCsv(std::string_view name, std::string_view text, std::string asset) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::string_view> lines = Split(text, '\n');
  if (lines.empty() || StripCr(lines[0]).empty()) return LineError(name, 1, "missing header");
  std::vector<std::string_view> header = Split(StripCr(lines[0]), ';');
  if (Trim(header[0]) != "datetime") {
    return LineError(name, 1, "header must start with 'datetime', got '" +
                                  std::string(header[0]) + "'");
  }
  SkabFile file;
  file.readings.asset = std::move(asset);
  size_t signal_end = header.size();
  if (header.size() >= 3 && Trim(header[header.size() - 2]) == "anomaly" &&
      Trim(header.back()) == "changepoint") {
    file.labelled = true;
    signal_end = header.size() - 2;
  }
  for (size_t c = 1; c < signal_end; ++c) file.readings.signals.emplace_back(Trim(header[c]));
  if (file.readings.signals.empty()) return LineError(name, 1, "header has no signal columns");
  file.readings.values.resize(file.readings.signals.size());

  for (size_t l = 1; l < lines.size(); ++l) {
    const std::string_view line = StripCr(lines[l]);
    if (Trim(line).empty()) continue;
    const size_t line_no = l + 1;
    std::vector<std::string_view> fields = Split(line, ';');
    if (fields.size() != header.size()) {
      return LineError(name, line_no, "expected " + std::to_string(header.size()) +
                                          " fields, got " + std::to_string(fields.size()));
    }
    Result<int64_t> time = ParseTimestamp(fields[0]);
    if (!time.ok()) return LineError(name, line_no, time.status().message());
    if (!file.readings.time_ms.empty() && *time <= file.readings.time_ms.back()) {
      return LineError(name, line_no, "timestamp " + FormatTimestamp(*time) + " of " +
                                          file.readings.asset + " is not after the previous one");
    }
    file.readings.time_ms.push_back(*time);
    for (size_t c = 1; c < signal_end; ++c) {
      Result<double> value = ParseDouble(fields[c], /*allow_missing=*/true);
      if (!value.ok()) {
        return LineError(name, line_no, file.readings.signals[c - 1] + ": " +
                                            value.status().message());
      }
      file.readings.values[c - 1].push_back(*value);
    }
    if (file.labelled) {
      EL_ASSIGN_OR_RETURN(int anomaly, ParseLabel(name, line_no, "anomaly", Trim(fields[signal_end])));
      EL_ASSIGN_OR_RETURN(int changepoint,
                          ParseLabel(name, line_no, "changepoint", Trim(fields[signal_end + 1])));
      file.anomaly.push_back(anomaly);
      file.changepoint.push_back(changepoint);
    }
  }
  return file;
}

}  // namespace edgeloop::io
