// The writing half of readings_reader.h: canonical wide CSV and the readings digest.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <queue>

#include "base/sha256.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "io/csv_writer.h"
#include "io/readings_reader.h"

namespace edgeloop::io {
namespace {

Status CheckAsset(const AssetReadings& readings) {
  const std::string what = "readings of asset '" + readings.asset + "'";
  if (readings.asset.empty()) return InvalidArgument("readings with an empty asset id");
  if (readings.values.size() != readings.signals.size()) {
    return InvalidArgument(what + ": " + std::to_string(readings.signals.size()) + " signals but " +
                           std::to_string(readings.values.size()) + " columns");
  }
  for (size_t s = 0; s < readings.signals.size(); ++s) {
    if (readings.signals[s].empty()) return InvalidArgument(what + ": a signal has no name");
    if (readings.values[s].size() != readings.rows()) {
      return InvalidArgument(what + ": signal " + readings.signals[s] + " has " +
                             std::to_string(readings.values[s].size()) + " values for " +
                             std::to_string(readings.rows()) + " timestamps");
    }
    for (size_t t = 0; t < s; ++t) {
      if (readings.signals[t] == readings.signals[s]) {
        return InvalidArgument(what + ": signal " + readings.signals[s] + " appears twice");
      }
    }
  }
  for (size_t r = 1; r < readings.rows(); ++r) {
    if (readings.time_ms[r] <= readings.time_ms[r - 1]) {
      return InvalidArgument(what + ": timestamp " + FormatTimestamp(readings.time_ms[r]) +
                             " is not after the previous one " +
                             FormatTimestamp(readings.time_ms[r - 1]));
    }
  }
  return Status::Ok();
}

// Feeds the hasher in large pieces; hashing 8 bytes at a time would dominate the digest's cost.
class BufferedHasher {
 public:
  void Bytes(const void* data, size_t size) {
    buffer_.append(static_cast<const char*>(data), size);
    if (buffer_.size() >= kFlushBytes) Flush();
  }
  void U64(uint64_t value) { Bytes(&value, sizeof value); }
  void Text(std::string_view text) {
    U64(text.size());
    Bytes(text.data(), text.size());
  }
  std::string FinalHex() {
    Flush();
    return hasher_.FinalHex();
  }

 private:
  static constexpr size_t kFlushBytes = 1 << 16;
  void Flush() {
    hasher_.Update(buffer_);
    buffer_.clear();
  }
  Sha256Hasher hasher_;
  std::string buffer_;
};

// The text of edgeloop::FormatDouble (shortest round-trip form), appended without a temporary
// string: the writer formats tens of millions of values.
void AppendDouble(std::string* out, double value) {
  if (std::isinf(value)) {
    out->append(FormatDouble(value));
    return;
  }
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out->append(buf, ptr);
}

std::vector<size_t> OrderById(const std::vector<AssetReadings>& readings) {
  std::vector<size_t> order(readings.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return readings[a].asset < readings[b].asset; });
  return order;
}

}  // namespace

Result<std::string> FormatReadingsCsv(const std::vector<AssetReadings>& readings) {
  const std::vector<size_t> assets = OrderById(readings);
  std::vector<std::string> signals;  // union, in order of first appearance over sorted assets
  size_t total_rows = 0;
  for (size_t i = 0; i < assets.size(); ++i) {
    const AssetReadings& a = readings[assets[i]];
    EL_RETURN_IF_ERROR(CheckAsset(a));
    if (i > 0 && a.asset == readings[assets[i - 1]].asset) {
      return InvalidArgument("readings of asset '" + a.asset + "' given twice");
    }
    for (const std::string& signal : a.signals) {
      if (std::find(signals.begin(), signals.end(), signal) == signals.end()) {
        signals.push_back(signal);
      }
    }
    total_rows += a.rows();
  }
  // column_of[i][k]: the column of signals[k] in asset i, or -1.
  std::vector<std::vector<int>> column_of(assets.size());
  for (size_t i = 0; i < assets.size(); ++i) {
    for (const std::string& signal : signals) {
      column_of[i].push_back(readings[assets[i]].SignalIndex(signal));
    }
  }

  std::string out;
  out.reserve(total_rows * (32 + 12 * signals.size()) + 64);
  out += "time,asset";
  for (const std::string& signal : signals) {
    out += ',';
    AppendCsvField(&out, signal);
  }
  out += '\n';

  // Merge the assets by (time, asset id); `assets` is sorted by id, so the index breaks ties.
  using Cursor = std::pair<int64_t, size_t>;  // (time, position in `assets`)
  std::priority_queue<Cursor, std::vector<Cursor>, std::greater<Cursor>> heap;
  std::vector<size_t> next_row(assets.size(), 0);
  for (size_t i = 0; i < assets.size(); ++i) {
    if (readings[assets[i]].rows() > 0) heap.emplace(readings[assets[i]].time_ms[0], i);
  }
  int64_t formatted_time = 0;
  std::string time_text;
  while (!heap.empty()) {
    const auto [time, i] = heap.top();
    heap.pop();
    const AssetReadings& a = readings[assets[i]];
    const size_t row = next_row[i]++;
    if (time_text.empty() || time != formatted_time) {
      time_text = FormatTimestamp(time);
      formatted_time = time;
    }
    out += time_text;
    out += ',';
    AppendCsvField(&out, a.asset);
    for (int column : column_of[i]) {
      out += ',';
      if (column < 0) continue;
      const double value = a.values[static_cast<size_t>(column)][row];
      if (!std::isnan(value)) AppendDouble(&out, value);
    }
    out += '\n';
    if (next_row[i] < a.rows()) heap.emplace(a.time_ms[next_row[i]], i);
  }
  return out;
}

Status WriteReadingsCsv(const std::vector<AssetReadings>& readings, const std::string& path,
                        FileSystem& fs) {
  Result<std::string> text = FormatReadingsCsv(readings);
  if (!text.ok()) return text.status().WithContext(path);
  return fs.WriteFileAtomic(path, *text);
}

std::string ReadingsDigest(const std::vector<AssetReadings>& readings) {
  BufferedHasher hasher;
  const char kTag[] = "edgeloop.readings.v1";
  hasher.Bytes(kTag, sizeof kTag - 1);
  hasher.U64(readings.size());
  for (size_t index : OrderById(readings)) {
    const AssetReadings& a = readings[index];
    hasher.Text(a.asset);
    std::vector<size_t> signals(a.signals.size());
    std::iota(signals.begin(), signals.end(), size_t{0});
    std::stable_sort(signals.begin(), signals.end(),
                     [&](size_t x, size_t y) { return a.signals[x] < a.signals[y]; });
    hasher.U64(signals.size());
    for (size_t s : signals) hasher.Text(a.signals[s]);
    hasher.U64(a.rows());
    for (int64_t t : a.time_ms) hasher.U64(static_cast<uint64_t>(t));
    for (size_t s : signals) {
      if (s >= a.values.size()) {
        hasher.U64(0);
        continue;
      }
      hasher.U64(a.values[s].size());
      for (double value : a.values[s]) {
        // Every NaN (empty field, "nan", "NA", negative NaN) is the same missing value.
        if (std::isnan(value)) value = std::numeric_limits<double>::quiet_NaN();
        uint64_t bits;
        std::memcpy(&bits, &value, sizeof bits);
        hasher.U64(bits);
      }
    }
  }
  return hasher.FinalHex();
}

}  // namespace edgeloop::io
