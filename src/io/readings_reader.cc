#include "io/readings_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <set>
#include <string_view>
#include <unordered_map>

#include "base/strings.h"
#include "base/time_format.h"
#include "io/csv_reader.h"

namespace edgeloop::io {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// What a parse keeps about one asset. Ordering is checked on every row, kept or not, so that a
// file is valid or invalid whatever the filters.
struct AssetState {
  std::string id;
  bool kept = false;
  int64_t rows_seen = 0;  // distinct timestamps seen, kept or not
  int64_t last_time = 0;
  int64_t last_line = 0;
  std::vector<int64_t> time_ms;              // kept rows
  std::vector<std::vector<double>> columns;  // [signal][kept row]
  // Long layout: for each signal, the ordinal (rows_seen) and line of its last reading.
  std::vector<int64_t> signal_row;
  std::vector<int64_t> signal_line;
};

class AssetTable {
 public:
  explicit AssetTable(const std::vector<std::string>& filter)
      : filter_(filter.begin(), filter.end()) {}

  AssetState& Find(std::string_view id) {
    if (last_ != nullptr && last_->id == id) return *last_;
    auto it = index_.find(id);
    if (it == index_.end()) {
      AssetState& state = states_.emplace_back();
      state.id = std::string(id);
      state.kept = filter_.empty() || filter_.count(state.id) > 0;
      it = index_.emplace(state.id, &state).first;
    }
    last_ = it->second;
    return *last_;
  }

  std::vector<AssetState*> SortedById() {
    std::vector<AssetState*> out;
    for (AssetState& state : states_) out.push_back(&state);
    std::sort(out.begin(), out.end(),
              [](const AssetState* a, const AssetState* b) { return a->id < b->id; });
    return out;
  }

 private:
  std::set<std::string, std::less<>> filter_;
  std::deque<AssetState> states_;  // stable addresses for index_
  std::unordered_map<std::string, AssetState*, StringHash, std::equal_to<>> index_;
  AssetState* last_ = nullptr;
};

// Parses a value; empty, nan and NA are missing. The from_chars attempt is the common case;
// ParseDouble handles the rest (spaces, '+', NA) and writes the error.
Status ParseValue(std::string_view field, double* value) {
  if (field.empty()) {
    *value = kNaN;
    return Status::Ok();
  }
  auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), *value);
  if (ec == std::errc() && ptr == field.data() + field.size()) return Status::Ok();
  Result<double> parsed = ParseDouble(field, /*allow_missing=*/true);
  if (!parsed.ok()) return parsed.status();
  *value = *parsed;
  return Status::Ok();
}

// Parses the time column, reusing the previous result when the text repeats (interleaved
// assets share timestamps).
class TimeParser {
 public:
  Status Parse(const CsvReader& reader, std::string_view field, int64_t* time_ms) {
    if (has_last_ && field == last_text_) {
      *time_ms = last_value_;
      return Status::Ok();
    }
    Result<int64_t> parsed = ParseTimestamp(field);
    if (!parsed.ok()) return reader.Error("column time: " + parsed.status().message());
    last_text_.assign(field);
    last_value_ = *parsed;
    has_last_ = true;
    *time_ms = last_value_;
    return Status::Ok();
  }

 private:
  bool has_last_ = false;
  std::string last_text_;
  int64_t last_value_ = 0;
};

Status ParseAsset(const CsvReader& reader, std::string_view field, std::string_view* asset) {
  *asset = Trim(field);
  if (asset->empty()) return reader.Error("empty asset");
  return Status::Ok();
}

Status OutOfOrder(const CsvReader& reader, const AssetState& state, int64_t time) {
  return reader.Error("timestamp " + FormatTimestamp(time) + " of asset " + state.id +
                      " is out of order: before " + FormatTimestamp(state.last_time) + " on line " +
                      std::to_string(state.last_line));
}

// Checks that `time` is strictly after the asset's previous timestamp (wide rows).
Status CheckStrictlyAfter(const CsvReader& reader, const AssetState& state, int64_t time) {
  if (state.rows_seen == 0 || time > state.last_time) return Status::Ok();
  if (time == state.last_time) {
    return reader.Error("duplicated timestamp " + FormatTimestamp(time) + " for asset " + state.id +
                        " (first seen on line " + std::to_string(state.last_line) + ")");
  }
  return OutOfOrder(reader, state, time);
}

bool InRange(const ReadOptions& options, int64_t time) {
  return (!options.start_ms || time >= *options.start_ms) &&
         (!options.end_ms || time < *options.end_ms);
}

std::string JoinNames(const std::vector<std::string>& names) {
  return names.empty() ? std::string("none") : Join(names, ", ");
}

// Assembles the result: kept assets with rows, sorted by id, with the columns in `order` (indices
// into `names` and into each asset's columns; a column an asset never filled is NaN).
std::vector<AssetReadings> Collect(AssetTable& table, const std::vector<std::string>& names,
                                   const std::vector<size_t>& order) {
  std::vector<AssetReadings> out;
  for (AssetState* state : table.SortedById()) {
    if (!state->kept || state->time_ms.empty()) continue;
    AssetReadings readings;
    readings.asset = std::move(state->id);
    readings.time_ms = std::move(state->time_ms);
    for (size_t index : order) {
      readings.signals.push_back(names[index]);
      if (index < state->columns.size()) {
        readings.values.push_back(std::move(state->columns[index]));
      } else {
        readings.values.emplace_back(readings.time_ms.size(), kNaN);
      }
    }
    out.push_back(std::move(readings));
  }
  return out;
}

Result<std::vector<AssetReadings>> ParseWide(CsvReader& reader, const ReadOptions& options) {
  const std::vector<std::string>& header = reader.header();
  const size_t width = header.size();
  std::vector<std::string> names(header.begin() + 2, header.end());
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) {
      return InvalidArgument(reader.name() + ":1: column " + std::to_string(i + 3) +
                             " has no signal name");
    }
    for (size_t j = 0; j < i; ++j) {
      if (names[j] == names[i]) {
        return InvalidArgument(reader.name() + ":1: signal '" + names[i] + "' appears twice");
      }
    }
  }
  std::vector<size_t> order;
  if (options.signals.empty()) {
    for (size_t i = 0; i < names.size(); ++i) order.push_back(i);
  } else {
    for (const std::string& wanted : options.signals) {
      auto it = std::find(names.begin(), names.end(), wanted);
      if (it == names.end()) {
        return InvalidArgument(reader.name() + ": signal '" + wanted +
                               "' is not in the file (signals: " + JoinNames(names) + ")");
      }
      order.push_back(static_cast<size_t>(it - names.begin()));
    }
  }
  AssetTable table(options.assets);
  TimeParser times;
  std::vector<double> row(names.size());
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_record, reader.Next());
    if (!has_record) break;
    EL_RETURN_IF_ERROR(reader.ExpectFields(width));
    int64_t time = 0;
    EL_RETURN_IF_ERROR(times.Parse(reader, reader[0], &time));
    std::string_view asset;
    EL_RETURN_IF_ERROR(ParseAsset(reader, reader[1], &asset));
    AssetState& state = table.Find(asset);
    EL_RETURN_IF_ERROR(CheckStrictlyAfter(reader, state, time));
    for (size_t i = 0; i < names.size(); ++i) {
      Status parsed = ParseValue(reader[i + 2], &row[i]);
      if (!parsed.ok()) return reader.Error("signal " + names[i] + ": " + parsed.message());
    }
    state.rows_seen++;
    state.last_time = time;
    state.last_line = reader.line();
    if (!state.kept || !InRange(options, time)) continue;
    if (state.columns.empty()) state.columns.resize(order.size());
    state.time_ms.push_back(time);
    for (size_t k = 0; k < order.size(); ++k) state.columns[k].push_back(row[order[k]]);
  }
  std::vector<std::string> kept_names;
  std::vector<size_t> identity;
  for (size_t k = 0; k < order.size(); ++k) {
    kept_names.push_back(names[order[k]]);
    identity.push_back(k);
  }
  return Collect(table, kept_names, identity);
}

Result<std::vector<AssetReadings>> ParseLong(CsvReader& reader, const ReadOptions& options) {
  AssetTable table(options.assets);
  TimeParser times;
  std::vector<std::string> names;  // every signal, in order of first appearance
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> signal_index;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_record, reader.Next());
    if (!has_record) break;
    EL_RETURN_IF_ERROR(reader.ExpectFields(4));
    int64_t time = 0;
    EL_RETURN_IF_ERROR(times.Parse(reader, reader[0], &time));
    std::string_view asset;
    EL_RETURN_IF_ERROR(ParseAsset(reader, reader[1], &asset));
    const std::string_view signal = Trim(reader[2]);
    if (signal.empty()) return reader.Error("empty signal");
    double value = 0;
    Status parsed = ParseValue(reader[3], &value);
    if (!parsed.ok()) {
      return reader.Error("signal " + std::string(signal) + ": " + parsed.message());
    }

    auto found = signal_index.find(signal);
    if (found == signal_index.end()) {
      found = signal_index.emplace(std::string(signal), names.size()).first;
      names.emplace_back(signal);
    }
    const size_t s = found->second;
    AssetState& state = table.Find(asset);
    if (state.rows_seen > 0 && time < state.last_time) return OutOfOrder(reader, state, time);
    const bool new_row = state.rows_seen == 0 || time > state.last_time;
    if (new_row) state.rows_seen++;
    if (state.signal_row.size() <= s) {
      state.signal_row.resize(s + 1, -1);
      state.signal_line.resize(s + 1, 0);
    }
    if (state.signal_row[s] == state.rows_seen) {
      return reader.Error("duplicated reading of signal " + names[s] + " at " +
                          FormatTimestamp(time) + " for asset " + state.id +
                          " (first seen on line " + std::to_string(state.signal_line[s]) + ")");
    }
    state.signal_row[s] = state.rows_seen;
    state.signal_line[s] = reader.line();
    state.last_time = time;
    state.last_line = reader.line();
    if (!state.kept || !InRange(options, time)) continue;
    if (new_row) {
      state.time_ms.push_back(time);
      for (std::vector<double>& column : state.columns) column.push_back(kNaN);
    }
    if (state.columns.size() <= s) {
      state.columns.resize(s + 1, std::vector<double>(state.time_ms.size(), kNaN));
    }
    state.columns[s].back() = value;
  }
  std::vector<size_t> order;
  if (options.signals.empty()) {
    for (size_t i = 0; i < names.size(); ++i) order.push_back(i);
  } else {
    for (const std::string& wanted : options.signals) {
      auto it = signal_index.find(wanted);
      if (it == signal_index.end()) {
        return InvalidArgument(reader.name() + ": signal '" + wanted +
                               "' is not in the file (signals: " + JoinNames(names) + ")");
      }
      order.push_back(it->second);
    }
  }
  return Collect(table, names, order);
}

Result<std::vector<AssetReadings>> Parse(CsvReader& reader, const ReadOptions& options) {
  Result<ReadingsLayout> layout = DetectReadingsLayout(reader.header());
  if (!layout.ok()) return InvalidArgument(reader.name() + ":1: " + layout.status().message());
  if (*layout == ReadingsLayout::kLong) return ParseLong(reader, options);
  return ParseWide(reader, options);
}

}  // namespace

Result<ReadingsLayout> DetectReadingsLayout(const std::vector<std::string>& header) {
  std::vector<std::string> lower;
  for (const std::string& column : header) lower.push_back(ToLower(column));
  if (lower.size() < 3 || lower[0] != "time" || lower[1] != "asset") {
    return InvalidArgument(
        "expected a readings header 'time,asset,<signal>...' (wide) or "
        "'time,asset,signal,value' (long), found '" +
        Join(header, ",") + "'");
  }
  if (lower.size() == 4 && lower[2] == "signal" && lower[3] == "value") {
    return ReadingsLayout::kLong;
  }
  return ReadingsLayout::kWide;
}

Result<std::vector<AssetReadings>> ReadReadingsCsv(const std::string& path, FileSystem& fs,
                                                   const ReadOptions& options) {
  EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path));
  return ParseReadingsCsv(path, std::move(text), options);
}

Result<std::vector<AssetReadings>> ParseReadingsCsv(std::string name, std::string text,
                                                    const ReadOptions& options) {
  CsvOptions csv;
  csv.separator = options.separator;
  EL_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader,
                      CsvReader::FromString(std::move(name), std::move(text), csv));
  return Parse(*reader, options);
}

}  // namespace edgeloop::io
