// C-MAPSS evaluation: how well window features plus XGBoost regression predict the remaining
// useful life (RUL) of NASA's turbofan engines, in numbers comparable to the published ones.
//
// The train file is read, columns constant over it are dropped, and every cycle of every engine
// ends one feature window (long and short windows over the cycle series, see cmapss_eval.cc)
// labelled min(RUL, rul_cap). With a test file and a RUL file, one model is trained on all train
// engines and scored once per test engine at its last cycle against the file's true RUL (the
// official protocol). Without them, engines are split into `folds` folds (deterministic by seed)
// and each fold's model is scored on the held-out engines two ways: every window, and one
// prediction per engine truncated at random cycles the way the official test set is built
// (the "truncated" numbers are the ones comparable to published test RMSEs).
//
// A pure function of its inputs (options, files, seed): the same call gives the same report.
// Errors: the FileSystem's and readers' errors for the files; InvalidArgument for inconsistent
// options (folds < 2 or above the engine count, a test file without a RUL file or a RUL count
// that differs from the test engine count); XGBoost errors from training.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/status.h"
#include "training/metrics.h"
#include "training/xgboost_trainer.h"

namespace edgeloop::pipeline {

struct CmapssOptions {
  std::string train_path;        // train_FD00x.txt
  std::string test_path;         // optional test_FD00x.txt
  std::string rul_path;          // RUL_FD00x.txt, required with test_path
  int folds = 5;                 // cross-validation folds when there is no test file
  uint64_t seed = 7;             // fold assignment, truncation points and XGBoost
  int window_cycles = 30;        // long window
  int short_window_cycles = 5;   // short window (the recent level of each signal)
  int rul_cap = 125;             // piecewise-linear target: min(RUL, rul_cap)
  int truncations_per_engine = 5;  // truncated scoring points per held-out engine
  int min_truncation_cycles = 31;  // shortest truncated history, as in the FD001 test set
  int nthread = 2;
};

// The XGBoost settings used for C-MAPSS (reg:squarederror, fixed seed from the options).
training::XgbParams CmapssXgbParams(uint64_t seed, int nthread);

struct CmapssReport {
  bool cross_validation = true;  // false: official train/test protocol
  int folds = 0;
  size_t train_engines = 0;
  size_t test_engines = 0;
  std::vector<std::string> dropped_columns;  // constant over the train file
  size_t feature_count = 0;
  size_t train_windows = 0;
  // Cross-validation only: every window of the held-out engines (labels capped).
  training::RegressionMetrics all_windows;
  size_t all_windows_rows = 0;
  // Cross-validation: one prediction per truncated held-out engine (truth capped). Test mode:
  // one prediction per test engine at its last cycle against the RUL file. Comparable to the
  // published FD001 test RMSEs.
  training::RegressionMetrics per_engine;
  size_t per_engine_rows = 0;
  std::vector<double> fold_per_engine_rmse;  // per fold, cross-validation only
};

Result<CmapssReport> EvaluateCmapss(const CmapssOptions& options, FileSystem& fs);

}  // namespace edgeloop::pipeline
