// `edgeloop eval cmapss` and `edgeloop eval skab-metrics`: benchmark evaluations on public data.
//
// Each command takes its parsed flags, the FileSystem to read through and the streams to write
// to, and returns the process exit code (errors are printed as "edgeloop: <message>" on `err` and
// mapped through exit_code.h). Human output is a short plain-text report; with json set, one JSON
// document with the same content goes to `out`.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "base/file_system.h"

namespace edgeloop::app {

struct EvalCmapssFlags {
  std::string train;  // train_FD00x.txt
  std::string test;   // optional test_FD00x.txt (then rul is required)
  std::string rul;    // RUL_FD00x.txt
  int folds = 5;
  uint64_t seed = 7;
  bool json = false;
};

// RUL regression on C-MAPSS: cross-validation by engine without a test file, the official
// last-cycle test protocol with one (see pipeline/cmapss_eval.h).
int RunEvalCmapss(const EvalCmapssFlags& flags, FileSystem& fs, std::FILE* out, std::FILE* err);

struct EvalSkabMetricsFlags {
  std::string predictions;  // CSV in the layout of SKAB's reference predictions
  bool json = false;
};

// SKAB outlier metrics (F1, FAR, MAR) and NAB scores per detector column of a predictions file.
int RunEvalSkabMetrics(const EvalSkabMetricsFlags& flags, FileSystem& fs, std::FILE* out,
                       std::FILE* err);

}  // namespace edgeloop::app
