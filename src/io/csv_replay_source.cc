#include "io/csv_replay_source.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

#include "io/skab_reader.h"
#include "io/waveforms_reader.h"

namespace edgeloop::io {

Result<std::vector<Waveform>> CutBursts(const Waveform& record, int64_t burst_ms,
                                        int64_t period_ms, int64_t start_ms) {
  if (burst_ms <= 0 || period_ms <= 0) {
    return InvalidArgument("burst cut of " + record.asset + "/" + record.signal +
                           ": burst_ms and period_ms must be positive, got " +
                           std::to_string(burst_ms) + " and " + std::to_string(period_ms));
  }
  if (!(record.rate_hz > 0)) {
    return InvalidArgument("burst cut of " + record.asset + "/" + record.signal +
                           ": rate_hz must be positive");
  }
  const size_t per_burst =
      static_cast<size_t>(std::llround(static_cast<double>(burst_ms) * record.rate_hz / 1000.0));
  if (per_burst == 0 || per_burst > record.samples.size()) {
    return InvalidArgument("burst cut of " + record.asset + "/" + record.signal + ": a burst of " +
                           std::to_string(burst_ms) + " ms needs " + std::to_string(per_burst) +
                           " samples, the record has " + std::to_string(record.samples.size()));
  }
  // Consecutive chunks of the record, the k-th one played at start_ms + k * period_ms.
  std::vector<Waveform> bursts;
  for (size_t k = 0; (k + 1) * per_burst <= record.samples.size(); ++k) {
    Waveform burst;
    burst.asset = record.asset;
    burst.signal = record.signal;
    burst.rate_hz = record.rate_hz;
    burst.start_ms = start_ms + static_cast<int64_t>(k) * period_ms;
    burst.samples.assign(record.samples.begin() + static_cast<std::ptrdiff_t>(k * per_burst),
                         record.samples.begin() + static_cast<std::ptrdiff_t>((k + 1) * per_burst));
    bursts.push_back(std::move(burst));
  }
  return bursts;
}

Result<CsvReplaySource> CsvReplaySource::Open(const CsvReplayConfig& config, FileSystem& fs) {
  std::vector<AssetReadings> readings;
  if (config.format == ReplayFormat::kSkab) {
    if (config.readings_path.empty() || config.asset.empty()) {
      return InvalidArgument("csv replay: format skab needs a readings file and an asset");
    }
    EL_ASSIGN_OR_RETURN(SkabFile skab, ReadSkabCsv(config.readings_path, fs));
    skab.readings.asset = config.asset;
    for (std::string& signal : skab.readings.signals) signal = SkabSignalName(signal);
    readings.push_back(std::move(skab.readings));
  } else if (!config.readings_path.empty()) {
    EL_ASSIGN_OR_RETURN(readings, ReadReadingsCsv(config.readings_path, fs));
  }
  std::vector<Waveform> bursts;
  if (!config.waveforms_path.empty()) {
    EL_ASSIGN_OR_RETURN(bursts, ReadWaveformsCsv(config.waveforms_path, fs));
  }
  if (config.cwru) {
    const CwruReplayConfig& cwru = *config.cwru;
    if (cwru.asset.empty()) {
      return InvalidArgument("csv replay: cwru record " + cwru.path + " needs an asset");
    }
    SampleColumnOptions options;
    options.asset = cwru.asset;
    options.signal = cwru.signal;
    options.rate_hz = cwru.rate_hz;
    options.start_ms = cwru.start_ms;
    EL_ASSIGN_OR_RETURN(Waveform record, ReadSampleColumnCsv(cwru.path, fs, options));
    EL_ASSIGN_OR_RETURN(std::vector<Waveform> cut,
                        CutBursts(record, cwru.burst_ms, cwru.period_ms, cwru.start_ms));
    for (Waveform& w : cut) bursts.push_back(std::move(w));
  }
  return FromData(std::move(readings), std::move(bursts), config.speed, config.max_rows_per_poll);
}

Result<CsvReplaySource> CsvReplaySource::FromData(std::vector<AssetReadings> readings,
                                                  std::vector<Waveform> bursts, double speed,
                                                  size_t max_rows_per_poll) {
  if (!(speed >= 0) || !std::isfinite(speed)) {
    return InvalidArgument("csv replay: speed must be 0 (as fast as possible) or positive, got " +
                           std::to_string(speed));
  }
  if (max_rows_per_poll == 0) {
    return InvalidArgument("csv replay: max_rows_per_poll must be positive");
  }
  EL_ASSIGN_OR_RETURN(ReadingsReplay replay, ReadingsReplay::FromReadings(std::move(readings)));
  std::stable_sort(bursts.begin(), bursts.end(), [](const Waveform& a, const Waveform& b) {
    return std::tie(a.start_ms, a.asset, a.signal) < std::tie(b.start_ms, b.asset, b.signal);
  });
  return CsvReplaySource(std::move(replay), std::move(bursts), speed, max_rows_per_poll);
}

CsvReplaySource::CsvReplaySource(ReadingsReplay replay, std::vector<Waveform> bursts, double speed,
                                 size_t max_rows_per_poll)
    : replay_(std::move(replay)),
      bursts_(std::move(bursts)),
      speed_(speed),
      max_rows_per_poll_(max_rows_per_poll) {
  NextFileTime();
}

bool CsvReplaySource::Dropped(const std::string& asset, int64_t time_ms) const {
  auto it = resume_after_.find(asset);
  return it != resume_after_.end() && time_ms <= it->second;
}

std::optional<int64_t> CsvReplaySource::NextFileTime() {
  // The pending row's asset pointer stays valid when the source moves: it points into the
  // heap buffer of the replay's readings vector, which moves with it.
  while (true) {
    if (!pending_row_) {
      ReplayRow row;
      if (replay_.Next(&row)) pending_row_ = std::move(row);
    }
    if (pending_row_ && Dropped(*pending_row_->asset, pending_row_->time_ms)) {
      pending_row_.reset();
      continue;
    }
    break;
  }
  while (next_burst_ < bursts_.size() &&
         Dropped(bursts_[next_burst_].asset, bursts_[next_burst_].start_ms)) {
    ++next_burst_;
  }
  return PeekFileTime();
}

std::optional<int64_t> CsvReplaySource::PeekFileTime() const {
  std::optional<int64_t> next;
  if (pending_row_) next = pending_row_->time_ms;
  if (next_burst_ < bursts_.size()) {
    const int64_t start = bursts_[next_burst_].start_ms;
    if (!next || start < *next) next = start;
  }
  return next;
}

int64_t CsvReplaySource::ClockTimeOf(int64_t file_time_ms) const {
  const auto [now0, t0] = *pin_;
  if (speed_ == 0) return now0;
  return now0 + static_cast<int64_t>(std::ceil(static_cast<double>(file_time_ms - t0) / speed_));
}

Status CsvReplaySource::Poll(int64_t now_ms, SourceBatch* batch) {
  std::optional<int64_t> next = NextFileTime();
  if (!next) return Status::Ok();
  if (!pin_) pin_ = std::make_pair(now_ms, *next);
  size_t served = 0;
  while (next && served < max_rows_per_poll_ && ClockTimeOf(*next) <= now_ms) {
    const bool row_first = pending_row_ && (next_burst_ >= bursts_.size() ||
                                            pending_row_->time_ms <= bursts_[next_burst_].start_ms);
    if (row_first) {
      SourceRow row;
      row.asset = *pending_row_->asset;
      row.time_ms = pending_row_->time_ms;
      row.signals = *pending_row_->signals;
      row.values = std::move(pending_row_->values);
      batch->rows.push_back(std::move(row));
      pending_row_.reset();
      ++rows_served_;
    } else {
      batch->bursts.push_back(bursts_[next_burst_]);
      ++next_burst_;
      ++bursts_served_;
    }
    ++served;
    next = NextFileTime();
  }
  return Status::Ok();
}

std::optional<int64_t> CsvReplaySource::NextDueMs(int64_t now_ms) const {
  std::optional<int64_t> next = PeekFileTime();
  if (!next) return std::nullopt;
  if (!pin_) return now_ms;
  if (speed_ == 0) return now_ms;
  return ClockTimeOf(*next);
}

void CsvReplaySource::ResumeAfter(const std::string& asset, int64_t time_ms) {
  auto [it, inserted] = resume_after_.emplace(asset, time_ms);
  if (!inserted) it->second = std::max(it->second, time_ms);
  NextFileTime();
}

}  // namespace edgeloop::io
