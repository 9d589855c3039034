// ReadingsReplay: the rows of a readings history, one at a time, in time order across assets.
//
// An edge agent replays a readings file as if its sensors were live: it asks for the next row's
// time, waits on its own Clock until then (nothing here sleeps), and takes the row. Rows come in
// (time, asset id) order whatever the order of the file. The whole file is read and checked when
// the replay is opened (see ReadReadingsCsv), so a bad file fails before the first row is served.
// Owns its readings; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/readings.h"
#include "base/status.h"
#include "io/readings_reader.h"

namespace edgeloop::io {

// One row of one asset. `asset` and `signals` point into the replay and stay valid while it lives.
struct ReplayRow {
  const std::string* asset = nullptr;
  int64_t time_ms = 0;
  const std::vector<std::string>* signals = nullptr;
  std::vector<double> values;  // one per signal; NaN = missing
};

class ReadingsReplay {
 public:
  // Reads `path` with ReadReadingsCsv; its errors are returned unchanged.
  static Result<ReadingsReplay> Open(const std::string& path, FileSystem& fs,
                                     const ReadOptions& options = {});
  // Replays readings already in memory; InvalidArgument when an asset's timestamps are not
  // strictly increasing or its columns do not match its signals.
  static Result<ReadingsReplay> FromReadings(std::vector<AssetReadings> readings);

  // The time of the next row, or nullopt when the replay is done.
  std::optional<int64_t> PeekTime() const;
  // Fills `row` with the next row and moves on; false when the replay is done.
  bool Next(ReplayRow* row);
  // Skips every row before `time_ms` (to resume a replay part-way).
  void SkipUntil(int64_t time_ms);
  // Back to the first row.
  void Rewind();

  size_t rows_total() const { return rows_total_; }
  // Rows served or skipped so far.
  size_t rows_served() const { return rows_served_; }
  const std::vector<AssetReadings>& readings() const { return readings_; }

 private:
  explicit ReadingsReplay(std::vector<AssetReadings> readings);

  using Cursor = std::pair<int64_t, size_t>;  // (time of the next row, asset index)
  std::vector<AssetReadings> readings_;       // sorted by asset id
  std::vector<size_t> next_row_;
  std::priority_queue<Cursor, std::vector<Cursor>, std::greater<Cursor>> heap_;
  size_t rows_total_ = 0;
  size_t rows_served_ = 0;
};

}  // namespace edgeloop::io
