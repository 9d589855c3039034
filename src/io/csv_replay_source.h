// CsvReplaySource: a Source that replays files as if the sensors were live.
//
// It serves the rows of a readings file (wide or long, via ReadingsReplay; or one SKAB file), the
// bursts of a
// waveforms file (`edgeloop sim --raw-khz`) and bursts cut from a one-column CWRU record, merged
// by time. Time mapping: at the first Poll the clock time now0 is pinned to the first file time
// t0 still to serve; an item at file time t is due when now >= now0 + (t - t0) / speed. Items keep
// their FILE timestamps. speed 0 serves everything at once, at most max_rows_per_poll rows and
// bursts per Poll. ResumeAfter(asset, t) drops that asset's rows and bursts at or before t.
//
// Open returns the readers' errors (NotFound, IoError, InvalidArgument naming the file) or
// InvalidArgument for a bad config (negative speed, CWRU burst that does not fit). Owns all data
// in memory; not thread-safe (one agent thread polls it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_system.h"
#include "base/readings.h"
#include "base/status.h"
#include "io/csv_replay.h"
#include "io/source.h"

namespace edgeloop::io {

// A one-column high-rate record (CWRU) cut into bursts of burst_ms every period_ms, the first
// starting at start_ms (file time).
struct CwruReplayConfig {
  std::string path;
  std::string asset;
  std::string signal = "vib_de_raw";
  double rate_hz = 12000;
  int64_t burst_ms = 1000;
  int64_t period_ms = 60000;
  int64_t start_ms = 0;
};

enum class ReplayFormat {
  kReadings,  // readings_path is a readings CSV (readings_reader.h)
  kSkab,      // readings_path is one `;`-separated SKAB file (skab_reader.h) of asset `asset`;
              // labels are ignored and signals named per SkabSignalName
};

struct CsvReplayConfig {
  ReplayFormat format = ReplayFormat::kReadings;
  std::string asset;           // kSkab: the asset the file's rows belong to (required)
  std::string readings_path;   // optional
  std::string waveforms_path;  // optional
  std::optional<CwruReplayConfig> cwru;
  double speed = 1.0;  // 1 = real time, N = N times faster, 0 = as fast as possible
  size_t max_rows_per_poll = 10000;
};

// Cuts `record` (one long waveform) into bursts of burst_ms every period_ms from start_ms.
// InvalidArgument when burst_ms or period_ms is not positive or burst_ms > period_ms.
Result<std::vector<Waveform>> CutBursts(const Waveform& record, int64_t burst_ms,
                                        int64_t period_ms, int64_t start_ms);

class CsvReplaySource final : public Source {
 public:
  static Result<CsvReplaySource> Open(const CsvReplayConfig& config, FileSystem& fs);
  // For tests and the simulator: replays what is already in memory.
  static Result<CsvReplaySource> FromData(std::vector<AssetReadings> readings,
                                          std::vector<Waveform> bursts, double speed,
                                          size_t max_rows_per_poll = 10000);

  std::string_view kind() const override { return "csv_replay"; }
  Status Poll(int64_t now_ms, SourceBatch* batch) override;
  std::optional<int64_t> NextDueMs(int64_t now_ms) const override;
  void ResumeAfter(const std::string& asset, int64_t time_ms) override;

  size_t rows_served() const { return rows_served_; }
  size_t bursts_served() const { return bursts_served_; }

 private:
  CsvReplaySource(ReadingsReplay replay, std::vector<Waveform> bursts, double speed,
                  size_t max_rows_per_poll);
  bool Dropped(const std::string& asset, int64_t time_ms) const;
  // Moves past dropped rows and bursts; the file time of the next item, or nullopt.
  std::optional<int64_t> NextFileTime();
  std::optional<int64_t> PeekFileTime() const;
  int64_t ClockTimeOf(int64_t file_time_ms) const;

  ReadingsReplay replay_;
  std::optional<ReplayRow> pending_row_;  // looked-ahead row not yet served
  std::vector<Waveform> bursts_;          // sorted by start time
  size_t next_burst_ = 0;
  double speed_;
  size_t max_rows_per_poll_;
  std::map<std::string, int64_t> resume_after_;
  std::optional<std::pair<int64_t, int64_t>> pin_;  // (now0, t0)
  size_t rows_served_ = 0;
  size_t bursts_served_ = 0;
};

}  // namespace edgeloop::io
