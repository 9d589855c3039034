// `edgeloop eval cmapss`, `edgeloop eval skab` and `edgeloop eval skab-metrics`: benchmark
// evaluations on public data.
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

struct EvalSkabFlags {
  std::string data;    // a folder in SKAB's layout (<folder>/<n>.csv)
  std::string config;  // optional YAML (examples/skab.yaml layout); built-in defaults without it
  std::string model;   // optional model kind overriding the config: pca | isolation_forest
  bool json = false;
  // Export instead of evaluating: the model of one file (path relative to `data`, e.g.
  // valve1/3.csv) as a bundle signed with the secret key `key`, written to `output`.
  std::string export_file;
  std::string key;
  std::string output;
};

// SKAB's official protocol with edgeloop's anomaly models (see pipeline/skab_eval.h): F1, FAR,
// MAR and the three NAB scores per folder and overall, beside the published leaderboard.
int RunEvalSkab(const EvalSkabFlags& flags, FileSystem& fs, std::FILE* out, std::FILE* err);

}  // namespace edgeloop::app
