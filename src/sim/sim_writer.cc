#include "sim/sim_writer.h"

#include <charconv>
#include <cmath>

#include "base/strings.h"
#include "base/time_format.h"
#include "sim/fleet_simulator.h"

namespace edgeloop::sim {
namespace {

constexpr size_t kFlushBytes = 8 << 20;
constexpr int kProgressCalls = 500;

// A file written in large chunks to "<path>.tmp" and renamed over `path` when complete, for
// outputs too large to build in memory.
class StreamedFile {
 public:
  StreamedFile(FileSystem& fs, std::string path)
      : fs_(fs), path_(std::move(path)), tmp_(path_ + ".tmp") {
    buffer_.reserve(kFlushBytes + (1 << 20));
  }
  ~StreamedFile() {
    if (!finished_ && fs_.Exists(tmp_)) (void)fs_.Remove(tmp_);
  }

  Status Open() {
    if (fs_.Exists(tmp_)) EL_RETURN_IF_ERROR(fs_.Remove(tmp_));
    return Status::Ok();
  }
  std::string& buffer() { return buffer_; }
  Status MaybeFlush() { return buffer_.size() >= kFlushBytes ? Flush() : Status::Ok(); }
  Status Finish() {
    EL_RETURN_IF_ERROR(Flush());
    EL_RETURN_IF_ERROR(fs_.Rename(tmp_, path_));
    finished_ = true;
    return Status::Ok();
  }
  const std::string& path() const { return path_; }

 private:
  Status Flush() {
    // AppendFile creates the file on first use, so even an empty output exists to be renamed.
    Status s = fs_.AppendFile(tmp_, buffer_);
    buffer_.clear();
    return s;
  }

  FileSystem& fs_;
  std::string path_;
  std::string tmp_;
  std::string buffer_;
  bool finished_ = false;
};

template <typename T>
void AppendNumber(std::string* out, T value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out->append(buf, end);
}

void AppendReadingsRow(std::string* out, std::string_view time, const std::string& asset,
                       const SignalRow& row) {
  out->append(time);
  out->push_back(',');
  out->append(asset);
  for (double value : row) {
    out->push_back(',');
    if (!std::isnan(value)) AppendNumber(out, value);
  }
  out->push_back('\n');
}

void AppendWaveformRow(std::string* out, std::string_view time, const Waveform& waveform) {
  out->append(time);
  out->push_back(',');
  out->append(waveform.asset);
  out->push_back(',');
  out->append(waveform.signal);
  out->push_back(',');
  AppendNumber(out, waveform.rate_hz);
  out->push_back(',');
  for (size_t i = 0; i < waveform.samples.size(); ++i) {
    if (i > 0) out->push_back(' ');
    AppendNumber(out, waveform.samples[i]);
  }
  out->push_back('\n');
}

std::string AssetsCsv(const std::vector<AssetInfo>& assets) {
  std::string out = "asset,site,tags\n";
  for (const AssetInfo& a : assets) out += a.id + "," + a.site + "," + a.tags + "\n";
  return out;
}

std::string EventsCsv(const std::vector<io::Event>& events) {
  std::string out = "time,asset,kind,failure_mode\n";
  for (const io::Event& e : events) {
    out += FormatTimestamp(e.time_ms) + "," + e.asset + "," +
           std::string(io::EventKindName(e.kind)) + "," + e.failure_mode + "\n";
  }
  return out;
}

std::string SensorFaultsCsv(const std::vector<SensorFault>& faults) {
  std::string out = "start,end,asset,signal,kind,magnitude\n";
  for (const SensorFault& f : faults) {
    out += FormatTimestamp(f.start_ms) + "," + FormatTimestamp(f.end_ms()) + "," + f.asset + "," +
           std::string(SignalName(f.signal)) + "," + std::string(SensorFaultKindName(f.kind)) + ",";
    if (!std::isnan(f.magnitude)) AppendNumber(&out, f.magnitude);
    out += "\n";
  }
  return out;
}

void Summarize(const FleetSimulator& fleet, int64_t rows, int64_t waveforms,
               FleetSummary* summary) {
  const SimConfig& config = fleet.config();
  summary->assets = config.assets;
  summary->sites = config.sites;
  summary->rows = rows;
  summary->first_ms = config.start_ms;
  summary->last_ms = fleet.time_ms();
  summary->waveforms = waveforms;
  for (int m = 0; m < kFailureModeCount; ++m) {
    summary->failures_by_mode[std::string(FailureModeName(static_cast<FailureMode>(m)))] = 0;
  }
  for (const io::Event& e : fleet.events()) {
    switch (e.kind) {
      case io::EventKind::kFailure:
        ++summary->failures;
        ++summary->failures_by_mode[e.failure_mode];
        break;
      case io::EventKind::kRepair:
        ++summary->repairs;
        break;
      case io::EventKind::kMaintenance:
        ++summary->maintenance;
        break;
      case io::EventKind::kInspection:
        break;
    }
  }
  summary->sensor_faults = static_cast<int>(fleet.sensor_faults().size());
}

}  // namespace

Status WriteFleet(const SimConfig& config, const std::string& out_dir, FileSystem& fs,
                  const ProgressCallback& progress, FleetSummary* summary) {
  EL_ASSIGN_OR_RETURN(FleetSimulator fleet, FleetSimulator::Create(config));
  EL_RETURN_IF_ERROR(fs.CreateDirs(out_dir));
  const bool raw = config.raw.rate_hz > 0;

  StreamedFile readings(fs, JoinPath(out_dir, "readings.csv"));
  StreamedFile waveforms(fs, JoinPath(out_dir, "waveforms.csv"));
  EL_RETURN_IF_ERROR(readings.Open());
  if (raw) EL_RETURN_IF_ERROR(waveforms.Open());
  readings.buffer() = "time,asset," + Join(FleetSimulator::SignalNames(), ",") + "\n";
  if (raw) waveforms.buffer() = "time,asset,signal,rate_hz,samples\n";

  const int64_t steps = config.steps();
  const int64_t progress_every = std::max<int64_t>(1, steps / kProgressCalls);
  const std::vector<AssetInfo>& assets = fleet.assets();
  std::vector<SignalRow> rows;
  int64_t rows_written = 0;
  int64_t waveforms_written = 0;
  int64_t next_raw_ms = config.start_ms;
  for (int64_t step = 0; step < steps; ++step) {
    fleet.Step(&rows);
    const std::string time = FormatTimestamp(fleet.time_ms());
    for (size_t i = 0; i < rows.size(); ++i) {
      AppendReadingsRow(&readings.buffer(), time, assets[i].id, rows[i]);
    }
    rows_written += static_cast<int64_t>(rows.size());
    EL_RETURN_IF_ERROR(readings.MaybeFlush());
    if (raw && fleet.time_ms() >= next_raw_ms) {
      for (const AssetInfo& asset : assets) {
        EL_ASSIGN_OR_RETURN(Waveform w, fleet.RawVibration(asset.id, fleet.time_ms(),
                                                           config.raw.seconds, config.raw.rate_hz));
        AppendWaveformRow(&waveforms.buffer(), time, w);
        ++waveforms_written;
        EL_RETURN_IF_ERROR(waveforms.MaybeFlush());
      }
      while (next_raw_ms <= fleet.time_ms()) next_raw_ms += config.raw.every_ms;
    }
    if (progress && ((step + 1) % progress_every == 0 || step + 1 == steps)) {
      progress(WriteProgress{step + 1, steps, rows_written, fleet.time_ms()});
    }
  }

  FleetSummary result;
  EL_RETURN_IF_ERROR(readings.Finish());
  result.files.push_back(readings.path());
  if (raw) {
    EL_RETURN_IF_ERROR(waveforms.Finish());
    result.files.push_back(waveforms.path());
  }
  const std::pair<const char*, std::string> small_files[] = {
      {"assets.csv", AssetsCsv(assets)},
      {"events.csv", EventsCsv(fleet.events())},
      {"sensor_faults.csv", SensorFaultsCsv(fleet.sensor_faults())},
  };
  for (const auto& [name, content] : small_files) {
    const std::string path = JoinPath(out_dir, name);
    EL_RETURN_IF_ERROR(fs.WriteFileAtomic(path, content));
    result.files.push_back(path);
  }
  if (summary != nullptr) {
    Summarize(fleet, rows_written, waveforms_written, &result);
    *summary = std::move(result);
  }
  return Status::Ok();
}

}  // namespace edgeloop::sim
