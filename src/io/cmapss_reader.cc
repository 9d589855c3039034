#include "io/cmapss_reader.h"

#include <cmath>
#include <utility>

#include "base/strings.h"

namespace edgeloop::io {
namespace {

constexpr size_t kColumns = 26;

Status LineError(std::string_view name, size_t line, const std::string& reason) {
  return InvalidArgument(std::string(name) + ":" + std::to_string(line) + ": " + reason);
}

// Whitespace-separated fields, ignoring repeated, leading and trailing blanks.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

Result<int> PositiveInt(std::string_view name, size_t line, const char* what,
                        std::string_view text) {
  Result<int64_t> value = ParseInt(text);
  if (!value.ok() || *value < 1 || *value > 1000000000) {
    return LineError(name, line, std::string(what) + " '" + std::string(text) +
                                     "' is not a positive integer");
  }
  return static_cast<int>(*value);
}

}  // namespace

std::vector<std::string> CmapssSignalNames() {
  std::vector<std::string> names = {"setting1", "setting2", "setting3"};
  for (int s = 1; s <= 21; ++s) names.push_back("s" + std::to_string(s));
  return names;
}

Result<CmapssUnits> ReadCmapssTxt(const std::string& path, FileSystem& fs) {
  EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path));
  return ParseCmapssTxt(path, text);
}

Result<CmapssUnits> ParseCmapssTxt(std::string_view name, std::string_view text) {
  CmapssUnits out;
  const std::vector<std::string> signals = CmapssSignalNames();
  std::vector<std::string_view> lines = Split(text, '\n');
  for (size_t l = 0; l < lines.size(); ++l) {
    const size_t line_no = l + 1;
    std::vector<std::string_view> fields = Fields(lines[l]);
    if (fields.empty()) continue;
    if (fields.size() != kColumns) {
      return LineError(name, line_no, "expected " + std::to_string(kColumns) +
                                          " columns (unit, cycle, 3 settings, 21 sensors), got " +
                                          std::to_string(fields.size()));
    }
    EL_ASSIGN_OR_RETURN(int unit, PositiveInt(name, line_no, "unit", fields[0]));
    EL_ASSIGN_OR_RETURN(int cycle, PositiveInt(name, line_no, "cycle", fields[1]));
    if (out.unit.empty() || out.unit.back() != unit) {
      for (int seen : out.unit) {
        if (seen == unit) {
          return LineError(name, line_no, "rows of unit " + std::to_string(unit) +
                                              " are not contiguous");
        }
      }
      out.unit.push_back(unit);
      out.max_cycle.push_back(0);
      AssetReadings r;
      r.asset = "unit-" + std::to_string(unit);
      r.signals = signals;
      r.values.resize(signals.size());
      out.readings.push_back(std::move(r));
    }
    AssetReadings& r = out.readings.back();
    if (cycle <= out.max_cycle.back()) {
      return LineError(name, line_no, "cycle " + std::to_string(cycle) + " of unit " +
                                          std::to_string(unit) + " is not after cycle " +
                                          std::to_string(out.max_cycle.back()));
    }
    out.max_cycle.back() = cycle;
    r.time_ms.push_back(kCmapssEpochMs + static_cast<int64_t>(cycle) * kCmapssCycleMs);
    for (size_t c = 2; c < kColumns; ++c) {
      Result<double> value = ParseDouble(fields[c]);
      if (!value.ok()) {
        return LineError(name, line_no, signals[c - 2] + ": " + value.status().message());
      }
      r.values[c - 2].push_back(*value);
    }
  }
  return out;
}

Result<std::vector<int>> ReadCmapssRul(const std::string& path, FileSystem& fs) {
  EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path));
  return ParseCmapssRul(path, text);
}

Result<std::vector<int>> ParseCmapssRul(std::string_view name, std::string_view text) {
  std::vector<int> rul;
  std::vector<std::string_view> lines = Split(text, '\n');
  for (size_t l = 0; l < lines.size(); ++l) {
    std::vector<std::string_view> fields = Fields(lines[l]);
    if (fields.empty()) continue;
    Result<int64_t> value = fields.size() == 1 ? ParseInt(fields[0]) : Result<int64_t>(-1);
    if (!value.ok() || *value < 0 || *value > 1000000000) {
      return LineError(name, l + 1, "expected one non-negative integer RUL, got '" +
                                        std::string(Trim(lines[l])) + "'");
    }
    rul.push_back(static_cast<int>(*value));
  }
  return rul;
}

}  // namespace edgeloop::io
