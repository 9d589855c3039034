#include "io/csv_replay.h"

#include <algorithm>

#include "base/time_format.h"

namespace edgeloop::io {

Result<ReadingsReplay> ReadingsReplay::Open(const std::string& path, FileSystem& fs,
                                            const ReadOptions& options) {
  EL_ASSIGN_OR_RETURN(std::vector<AssetReadings> readings, ReadReadingsCsv(path, fs, options));
  return ReadingsReplay(std::move(readings));
}

Result<ReadingsReplay> ReadingsReplay::FromReadings(std::vector<AssetReadings> readings) {
  for (const AssetReadings& a : readings) {
    if (a.values.size() != a.signals.size()) {
      return InvalidArgument("readings of asset '" + a.asset +
                             "': " + std::to_string(a.signals.size()) + " signals but " +
                             std::to_string(a.values.size()) + " columns");
    }
    for (const std::vector<double>& column : a.values) {
      if (column.size() != a.rows()) {
        return InvalidArgument("readings of asset '" + a.asset +
                               "': a column's length differs from the number of timestamps");
      }
    }
    for (size_t r = 1; r < a.rows(); ++r) {
      if (a.time_ms[r] <= a.time_ms[r - 1]) {
        return InvalidArgument("readings of asset '" + a.asset + "': timestamp " +
                               FormatTimestamp(a.time_ms[r]) + " is not after the previous one");
      }
    }
  }
  std::stable_sort(
      readings.begin(), readings.end(),
      [](const AssetReadings& a, const AssetReadings& b) { return a.asset < b.asset; });
  return ReadingsReplay(std::move(readings));
}

ReadingsReplay::ReadingsReplay(std::vector<AssetReadings> readings)
    : readings_(std::move(readings)) {
  for (const AssetReadings& a : readings_) rows_total_ += a.rows();
  Rewind();
}

void ReadingsReplay::Rewind() {
  heap_ = {};
  next_row_.assign(readings_.size(), 0);
  rows_served_ = 0;
  for (size_t i = 0; i < readings_.size(); ++i) {
    if (readings_[i].rows() > 0) heap_.emplace(readings_[i].time_ms[0], i);
  }
}

std::optional<int64_t> ReadingsReplay::PeekTime() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.top().first;
}

bool ReadingsReplay::Next(ReplayRow* row) {
  if (heap_.empty()) return false;
  const auto [time, i] = heap_.top();
  heap_.pop();
  const AssetReadings& a = readings_[i];
  const size_t r = next_row_[i]++;
  row->asset = &a.asset;
  row->time_ms = time;
  row->signals = &a.signals;
  row->values.resize(a.signals.size());
  for (size_t s = 0; s < a.signals.size(); ++s) row->values[s] = a.values[s][r];
  if (next_row_[i] < a.rows()) heap_.emplace(a.time_ms[next_row_[i]], i);
  ++rows_served_;
  return true;
}

void ReadingsReplay::SkipUntil(int64_t time_ms) {
  // Rebuilds the cursors with a binary search per asset instead of popping row by row.
  heap_ = {};
  rows_served_ = 0;
  for (size_t i = 0; i < readings_.size(); ++i) {
    const std::vector<int64_t>& times = readings_[i].time_ms;
    const size_t first =
        static_cast<size_t>(std::lower_bound(times.begin(), times.end(), time_ms) - times.begin());
    next_row_[i] = std::max(next_row_[i], first);
    rows_served_ += next_row_[i];
    if (next_row_[i] < times.size()) heap_.emplace(times[next_row_[i]], i);
  }
}

}  // namespace edgeloop::io
