// `edgeloop sim`: writes a simulated pump fleet (readings, events, assets, optional raw
// vibration) to a folder, from a seed and an optional YAML schedule.
//
// RunSim checks the flags, builds a sim::SimConfig, runs sim::WriteFleet and prints a summary
// (assets, sites, rows, time range, failures per mode, maintenance, sensor faults, files) to
// `out`, or the same as one JSON object when json is set. With progress set (the caller does so
// when stderr is a terminal) it redraws one progress line (rows, rate, ETA) on `err`. Errors are
// printed as "edgeloop: <message>" on `err`; the return value is the exit code (exit_code.h):
// 2 for bad flags or a bad schedule, 3 for a missing schedule file, 5 for I/O errors.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "base/file_system.h"

namespace edgeloop::app {

struct SimFlags {
  int assets = 20;
  int days = 90;
  std::string period = "10m";
  uint64_t seed = 7;
  std::string out;            // output folder (required)
  std::string schedule_file;  // YAML schedule (optional)
  std::string start = "2026-01-01T00:00:00Z";
  double raw_khz = 0;  // raw vibration sample rate; 0 = no waveforms.csv
  std::string raw_every = "6h";
  double raw_seconds = 1;
  bool json = false;
  bool progress = false;
};

int RunSim(const SimFlags& flags, FileSystem& fs, std::FILE* out, std::FILE* err);

}  // namespace edgeloop::app
