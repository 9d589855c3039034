// End-to-end featurise + train time for a simulated fleet (default 100 assets x 90 days at a
// 1-minute period), with the feature spec and training settings of a train config.
//
//   train_e2e_bench [--assets N] [--days D] [--period-min P] [--config FILE] [--json]
//
// The fleet is simulated in memory first (not timed). Then the one feature path extracts every
// window of every asset (timed, reported as samples per second per core) and XGBoost trains and
// evaluates (timed). A small harness rather than Google Benchmark: one run of each step is
// minutes of work, not microseconds.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/clock.h"
#include "base/file_system.h"
#include "features/window_extractor.h"
#include "pipeline/train_job_config.h"
#include "sim/fleet_simulator.h"
#include "training/trainer.h"

namespace {

using namespace edgeloop;

double Since(const Clock& clock, int64_t t0) {
  return static_cast<double>(clock.MonotonicNanos() - t0) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  int assets = 100, days = 90, period_min = 1;
  std::string config_path = std::string(EDGELOOP_SOURCE_DIR) + "/examples/train.yaml";
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--assets") assets = std::atoi(next());
    else if (a == "--days") days = std::atoi(next());
    else if (a == "--period-min") period_min = std::atoi(next());
    else if (a == "--config") config_path = next();
    else if (a == "--json") json = true;
    else {
      std::fprintf(stderr, "usage: train_e2e_bench [--assets N] [--days D] [--period-min P] "
                           "[--config FILE] [--json]\n");
      return 2;
    }
  }
  PosixFileSystem fs;
  SystemClock clock;
  Result<std::string> text = fs.ReadFile(config_path);
  if (!text.ok()) {
    std::fprintf(stderr, "%s\n", text.status().ToString().c_str());
    return 2;
  }
  Result<pipeline::TrainJobConfig> config =
      pipeline::ParseTrainJobConfig(*text, config_path, "/unused", fs);
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.status().ToString().c_str());
    return 2;
  }
  features::FeatureSpec spec = config->spec;
  spec.period_ms = int64_t{period_min} * 60'000;

  // Simulate (not timed).
  int64_t t0 = clock.MonotonicNanos();
  sim::SimConfig sim_config;
  sim_config.assets = assets;
  sim_config.days = days;
  sim_config.period_ms = spec.period_ms;
  sim::FleetSimulator fleet(sim_config);
  const std::vector<std::string> signals = sim::FleetSimulator::SignalNames();
  std::vector<AssetReadings> readings(assets);
  const int64_t steps = sim_config.steps();
  for (int a = 0; a < assets; ++a) {
    readings[a].asset = fleet.assets()[a].id;
    readings[a].signals = signals;
    readings[a].values.assign(signals.size(), {});
    readings[a].time_ms.reserve(steps);
    for (auto& column : readings[a].values) column.reserve(steps);
  }
  std::vector<sim::SignalRow> rows;
  for (int64_t s = 0; s < steps; ++s) {
    fleet.Step(&rows);
    for (int a = 0; a < assets; ++a) {
      readings[a].time_ms.push_back(fleet.time_ms());
      for (size_t c = 0; c < signals.size(); ++c) readings[a].values[c].push_back(rows[a][c]);
    }
  }
  const double simulate_s = Since(clock, t0);
  const double samples = static_cast<double>(steps) * assets * signals.size();

  // Featurise (timed).
  t0 = clock.MonotonicNanos();
  Result<features::FeatureTable> table = features::ExtractFeatures(spec, readings);
  const double features_s = Since(clock, t0);
  if (!table.ok()) {
    std::fprintf(stderr, "%s\n", table.status().ToString().c_str());
    return 1;
  }
  // Train and evaluate (timed).
  training::TrainConfig train_config = config->training;
  train_config.labels.window_length_ms = spec.window_length_ms;
  t0 = clock.MonotonicNanos();
  Result<training::TrainResult> trained = training::Train(*table, fleet.events(), train_config);
  const double train_s = Since(clock, t0);
  if (!trained.ok()) {
    std::fprintf(stderr, "%s\n", trained.status().ToString().c_str());
    return 1;
  }
  const double total_s = features_s + train_s;
  if (json) {
    std::printf(
        "{\"assets\":%d,\"days\":%d,\"period_min\":%d,\"samples\":%.0f,\"feature_rows\":%zu,"
        "\"features\":%zu,\"simulate_s\":%.3f,\"features_s\":%.3f,"
        "\"feature_samples_per_s\":%.0f,\"train_s\":%.3f,\"total_s\":%.3f,\"nthread\":%d,"
        "\"num_rounds\":%d,\"roc_auc\":%.4f}\n",
        assets, days, period_min, samples, table->rows(), table->cols(), simulate_s, features_s,
        samples / features_s, train_s, total_s, train_config.xgboost.nthread,
        train_config.xgboost.num_rounds, trained->report.roc_auc);
  } else {
    std::printf("fleet         %d assets x %d days at %d min = %.0f samples (simulated in %.1f s)\n",
                assets, days, period_min, samples, simulate_s);
    std::printf("featurise     %.2f s  (%.0f M samples/s on one core) -> %zu rows x %zu features\n",
                features_s, samples / features_s / 1e6, table->rows(), table->cols());
    std::printf("train + eval  %.2f s  (XGBoost %d rounds, nthread %d), ROC-AUC %.3f\n", train_s,
                train_config.xgboost.num_rounds, train_config.xgboost.nthread,
                trained->report.roc_auc);
    std::printf("total         %.2f s\n", total_s);
  }
  return 0;
}
