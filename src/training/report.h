// EvaluationReport: every number a training run measured on its test rows, as a value, as JSON
// (for runs, the registry and the dashboard) and as a text a maintenance engineer reads without
// knowing the code ("Caught 14 of 16 failures (88 %) with a median warning of 52 h before
// failure; 1.9 false alarms per 1,000 pump-days.").
//
// NaN marks a number that could not be measured (no failures in the test period, one class
// only); JSON writes it as null and the text as "n/a". Plain value; thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "training/alerts.h"
#include "training/maintenance_metrics.h"
#include "training/metrics.h"

namespace edgeloop::training {

struct EvaluationReport {
  std::string task = "classification";  // or "rul_regression"
  int64_t horizon_ms = 0;

  // Data and split.
  std::string split;  // e.g. "time, test from 2026-03-01T00:00:00Z"
  size_t rows_total = 0;
  size_t rows_excluded = 0;  // down time and unknown future
  size_t train_rows = 0;
  size_t validation_rows = 0;
  size_t test_rows = 0;
  size_t test_positives = 0;  // test windows followed by a failure within the horizon
  size_t test_assets = 0;

  // Classification: threshold and row-level metrics at it.
  double threshold = 0;
  std::string threshold_policy;  // "cost", "false_alarm_rate", "fixed"
  std::string threshold_reason;
  double pr_auc = 0;
  double roc_auc = 0;
  Confusion confusion;
  double precision = 0;
  double recall = 0;
  double f1 = 0;

  // Classification: what the debounced alerts would have done.
  AlertPolicy alert;
  MaintenanceMetrics maintenance;

  // Regression (rul_regression only).
  RegressionMetrics regression;

  bool is_regression() const { return task == "rul_regression"; }
};

nlohmann::json ToJson(const EvaluationReport& report);

std::string RenderReport(const EvaluationReport& report);

}  // namespace edgeloop::training
