// WriteFleet: runs a FleetSimulator over the whole configured horizon and writes the dataset.
//
// Files in out_dir (created when missing):
//   assets.csv         asset,site,tags
//   readings.csv       time,asset,suction_pressure,...,speed   (wide; by time, then asset;
//                      values with the fewest digits that read back; a missing value is empty)
//   events.csv         time,asset,kind,failure_mode            (by time)
//   sensor_faults.csv  start,end,asset,signal,kind,magnitude   (ground truth of injected faults)
//   waveforms.csv      time,asset,signal,rate_hz,samples       (only when raw waveforms are on;
//                      samples are space-separated, in g)
// Every file appears atomically: the large ones are streamed into "<name>.tmp" and renamed at
// the end, the small ones go through FileSystem::WriteFileAtomic. A failure leaves no temporary
// file behind (best effort) and returns the FileSystem's Status; a bad config gives
// InvalidArgument or NotFound before anything is written.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/status.h"
#include "sim/sim_config.h"

namespace edgeloop::sim {

struct WriteProgress {
  int64_t steps_done = 0;
  int64_t steps_total = 0;
  int64_t rows_written = 0;
  int64_t sim_time_ms = 0;  // time of the latest sample written
};

using ProgressCallback = std::function<void(const WriteProgress&)>;

// What WriteFleet produced.
struct FleetSummary {
  int assets = 0;
  std::vector<std::string> sites;
  int64_t rows = 0;
  int64_t first_ms = 0;                         // time of the first readings
  int64_t last_ms = 0;                          // time of the last readings
  std::map<std::string, int> failures_by_mode;  // every mode, zeros included
  int failures = 0;
  int repairs = 0;
  int maintenance = 0;
  int sensor_faults = 0;
  int64_t waveforms = 0;
  std::vector<std::string> files;  // paths, in the order written
};

// Simulates `config` and writes the files above into `out_dir`. `progress` (optional) is called
// a few hundred times during the run and once at the end.
Status WriteFleet(const SimConfig& config, const std::string& out_dir, FileSystem& fs,
                  const ProgressCallback& progress = nullptr, FleetSummary* summary = nullptr);

}  // namespace edgeloop::sim
