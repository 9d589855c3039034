#include "pipeline/cmapss_eval.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "base/random.h"
#include "features/feature_spec.h"
#include "features/feature_table.h"
#include "features/window_extractor.h"
#include "io/cmapss_reader.h"

namespace edgeloop::pipeline {
namespace {

using features::FeatureSpec;
using features::FeatureTable;
using features::WindowFunction;

// Feature rows of all engines with, per row, the engine index and the cycle its window ends at.
struct EngineWindows {
  FeatureTable table;
  std::vector<size_t> engine;
  std::vector<int> cycle;
};

// Columns whose value never changes over the train file carry no information.
std::vector<std::string> ConstantColumns(const io::CmapssUnits& units) {
  std::vector<std::string> constant;
  if (units.readings.empty()) return constant;
  const std::vector<std::string>& signals = units.readings.front().signals;
  for (size_t c = 0; c < signals.size(); ++c) {
    double lo = INFINITY, hi = -INFINITY;
    for (const AssetReadings& r : units.readings) {
      for (double v : r.values[c]) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
    if (!(hi > lo)) constant.push_back(signals[c]);
  }
  return constant;
}

FeatureSpec MakeSpec(const std::vector<std::string>& signals, int window_cycles,
                     std::vector<WindowFunction> functions) {
  FeatureSpec spec;
  spec.window_length_ms = window_cycles * io::kCmapssCycleMs;
  spec.hop_ms = io::kCmapssCycleMs;
  spec.period_ms = io::kCmapssCycleMs;
  // Early cycles have short histories; a few cycles are enough for a usable window.
  spec.min_coverage = 0.1;
  for (const std::string& name : signals) {
    features::SignalSpec s;
    s.name = name;
    s.functions = functions;
    spec.signals.push_back(std::move(s));
  }
  return spec;
}

// Long windows (level, spread, trend) and short windows (recent level) over every kept signal,
// plus the cycle count; one row per cycle of every engine.
Result<EngineWindows> ExtractWindows(const io::CmapssUnits& units,
                                     const std::vector<std::string>& signals,
                                     const CmapssOptions& options) {
  const FeatureSpec long_spec =
      MakeSpec(signals, options.window_cycles,
               {WindowFunction::kMean, WindowFunction::kStd, WindowFunction::kMin,
                WindowFunction::kMax, WindowFunction::kSlope, WindowFunction::kLastMinusFirst});
  const FeatureSpec short_spec =
      MakeSpec(signals, options.short_window_cycles, {WindowFunction::kMean});
  EL_RETURN_IF_ERROR(long_spec.Validate());
  EL_RETURN_IF_ERROR(short_spec.Validate());
  EL_ASSIGN_OR_RETURN(FeatureTable long_table, features::ExtractFeatures(long_spec, units.readings));
  EL_ASSIGN_OR_RETURN(FeatureTable short_table,
                      features::ExtractFeatures(short_spec, units.readings));
  if (long_table.rows() != short_table.rows()) {
    return Internal("C-MAPSS: long and short feature windows differ in count (" +
                    std::to_string(long_table.rows()) + " vs " +
                    std::to_string(short_table.rows()) + ")");
  }
  EngineWindows out;
  out.table.columns = long_table.columns;
  for (const std::string& c : short_table.columns) out.table.columns.push_back("short_" + c);
  out.table.columns.push_back("cycle");
  const size_t cols = out.table.columns.size();
  out.table.values.reserve(long_table.rows() * cols);
  size_t engine = 0;
  for (size_t r = 0; r < long_table.rows(); ++r) {
    if (long_table.window_end_ms[r] != short_table.window_end_ms[r] ||
        long_table.asset[r] != short_table.asset[r]) {
      return Internal("C-MAPSS: long and short feature windows are not aligned at row " +
                      std::to_string(r));
    }
    while (engine < units.readings.size() && units.readings[engine].asset != long_table.asset[r]) {
      ++engine;
    }
    if (engine == units.readings.size()) {
      return Internal("C-MAPSS: feature row of unknown engine " + long_table.asset[r]);
    }
    const int cycle =
        static_cast<int>((long_table.window_end_ms[r] - io::kCmapssEpochMs) / io::kCmapssCycleMs);
    out.table.asset.push_back(long_table.asset[r]);
    out.table.window_end_ms.push_back(long_table.window_end_ms[r]);
    out.table.values.insert(out.table.values.end(), long_table.row(r),
                            long_table.row(r) + long_table.cols());
    out.table.values.insert(out.table.values.end(), short_table.row(r),
                            short_table.row(r) + short_table.cols());
    out.table.values.push_back(cycle);
    out.engine.push_back(engine);
    out.cycle.push_back(cycle);
  }
  return out;
}

// The kept signals of a file: drops `dropped` from every engine's readings.
io::CmapssUnits KeepSignals(io::CmapssUnits units, const std::vector<std::string>& kept) {
  for (AssetReadings& r : units.readings) {
    AssetReadings slim;
    slim.asset = r.asset;
    slim.time_ms = std::move(r.time_ms);
    for (const std::string& name : kept) {
      slim.signals.push_back(name);
      slim.values.push_back(std::move(r.values[r.SignalIndex(name)]));
    }
    r = std::move(slim);
  }
  return units;
}

struct Matrix {
  std::vector<double> values;
  std::vector<float> labels;
  size_t rows = 0;
};

Matrix Select(const EngineWindows& w, const std::vector<size_t>& rows,
              const std::vector<float>& labels) {
  Matrix m;
  const size_t cols = w.table.cols();
  m.values.reserve(rows.size() * cols);
  for (size_t r : rows) {
    m.values.insert(m.values.end(), w.table.row(r), w.table.row(r) + cols);
    m.labels.push_back(labels[r]);
  }
  m.rows = rows.size();
  return m;
}

Result<std::vector<double>> TrainAndPredict(const EngineWindows& train,
                                            const std::vector<size_t>& train_rows,
                                            const std::vector<float>& labels,
                                            const EngineWindows& score,
                                            const std::vector<size_t>& score_rows,
                                            const CmapssOptions& options) {
  const Matrix fit = Select(train, train_rows, labels);
  EL_ASSIGN_OR_RETURN(training::TrainedModel model,
                      training::TrainXgboost(fit.values.data(), fit.rows, train.table.cols(),
                                             fit.labels, train.table.columns,
                                             CmapssXgbParams(options.seed, options.nthread)));
  const Matrix x = Select(score, score_rows, std::vector<float>(score.table.rows(), 0.0f));
  return training::PredictXgboost(model.json, x.values.data(), x.rows, score.table.cols());
}

std::vector<float> CappedLabels(const EngineWindows& w, const io::CmapssUnits& units, int cap) {
  std::vector<float> labels(w.table.rows());
  for (size_t r = 0; r < labels.size(); ++r) {
    labels[r] = static_cast<float>(std::min(units.max_cycle[w.engine[r]] - w.cycle[r], cap));
  }
  return labels;
}

Status CheckOptions(const CmapssOptions& o) {
  if (o.train_path.empty()) return InvalidArgument("C-MAPSS: a train file is required");
  if (!o.test_path.empty() && o.rul_path.empty()) {
    return InvalidArgument("C-MAPSS: test file " + o.test_path + " needs a RUL file");
  }
  if (o.test_path.empty() && o.folds < 2) {
    return InvalidArgument("C-MAPSS: folds must be at least 2, got " + std::to_string(o.folds));
  }
  if (o.window_cycles < 2 || o.short_window_cycles < 1 || o.rul_cap < 1 ||
      o.truncations_per_engine < 1 || o.min_truncation_cycles < 1) {
    return InvalidArgument("C-MAPSS: window, cap and truncation settings must be positive");
  }
  return Status::Ok();
}

Result<CmapssReport> CrossValidate(const io::CmapssUnits& units, const EngineWindows& w,
                                   const std::vector<float>& labels, const CmapssOptions& options,
                                   CmapssReport report) {
  const size_t engines = units.readings.size();
  if (static_cast<size_t>(options.folds) > engines) {
    return InvalidArgument("C-MAPSS: " + std::to_string(options.folds) + " folds for only " +
                           std::to_string(engines) + " engines");
  }
  Random random(options.seed);
  std::vector<size_t> order(engines);
  std::iota(order.begin(), order.end(), 0);
  for (size_t i = engines; i > 1; --i) {  // Fisher-Yates with our seeded generator
    std::swap(order[i - 1], order[static_cast<size_t>(random.UniformInt(0, i - 1))]);
  }
  std::vector<int> fold_of(engines);
  for (size_t i = 0; i < engines; ++i) fold_of[order[i]] = static_cast<int>(i % options.folds);

  std::vector<double> window_pred, window_truth, engine_pred, engine_truth;
  for (int fold = 0; fold < options.folds; ++fold) {
    std::vector<size_t> fit_rows, held_rows;
    for (size_t r = 0; r < w.table.rows(); ++r) {
      (fold_of[w.engine[r]] == fold ? held_rows : fit_rows).push_back(r);
    }
    EL_ASSIGN_OR_RETURN(std::vector<double> predicted,
                        TrainAndPredict(w, fit_rows, labels, w, held_rows, options));
    // Truncation points: a window only looks back, so the prediction at cycle t of the whole
    // history equals the one on the history cut at t.
    std::vector<double> fold_pred, fold_truth;
    Random truncation = random.Fork(static_cast<uint64_t>(fold) + 1);
    size_t i = 0;
    while (i < held_rows.size()) {
      const size_t engine = w.engine[held_rows[i]];
      size_t end = i;
      while (end < held_rows.size() && w.engine[held_rows[end]] == engine) ++end;
      const int max_cycle = units.max_cycle[engine];
      const int lo = std::min(options.min_truncation_cycles, max_cycle);
      for (int k = 0; k < options.truncations_per_engine; ++k) {
        const int cut = static_cast<int>(truncation.UniformInt(lo, max_cycle));
        for (size_t j = i; j < end; ++j) {
          if (w.cycle[held_rows[j]] != cut) continue;
          fold_pred.push_back(predicted[j]);
          fold_truth.push_back(std::min(max_cycle - cut, options.rul_cap));
        }
      }
      for (size_t j = i; j < end; ++j) {
        window_pred.push_back(predicted[j]);
        window_truth.push_back(labels[held_rows[j]]);
      }
      i = end;
    }
    EL_ASSIGN_OR_RETURN(training::RegressionMetrics fold_metrics,
                        training::EvaluateRegression(fold_pred, fold_truth));
    report.fold_per_engine_rmse.push_back(fold_metrics.rmse);
    engine_pred.insert(engine_pred.end(), fold_pred.begin(), fold_pred.end());
    engine_truth.insert(engine_truth.end(), fold_truth.begin(), fold_truth.end());
  }
  EL_ASSIGN_OR_RETURN(report.all_windows, training::EvaluateRegression(window_pred, window_truth));
  report.all_windows_rows = window_pred.size();
  EL_ASSIGN_OR_RETURN(report.per_engine, training::EvaluateRegression(engine_pred, engine_truth));
  report.per_engine_rows = engine_pred.size();
  return report;
}

}  // namespace

training::XgbParams CmapssXgbParams(uint64_t seed, int nthread) {
  training::XgbParams params;
  params.objective = "reg:squarederror";
  params.num_rounds = 300;
  params.max_depth = 5;
  params.eta = 0.05;
  params.subsample = 0.8;
  params.colsample_bytree = 0.8;
  params.min_child_weight = 5;
  params.seed = seed;
  params.nthread = nthread;
  return params;
}

Result<CmapssReport> EvaluateCmapss(const CmapssOptions& options, FileSystem& fs) {
  EL_RETURN_IF_ERROR(CheckOptions(options));
  EL_ASSIGN_OR_RETURN(io::CmapssUnits train, io::ReadCmapssTxt(options.train_path, fs));
  if (train.readings.empty()) {
    return InvalidArgument("C-MAPSS: train file " + options.train_path + " has no engines");
  }
  CmapssReport report;
  report.dropped_columns = ConstantColumns(train);
  std::vector<std::string> kept;
  for (const std::string& name : io::CmapssSignalNames()) {
    if (std::find(report.dropped_columns.begin(), report.dropped_columns.end(), name) ==
        report.dropped_columns.end()) {
      kept.push_back(name);
    }
  }
  train = KeepSignals(std::move(train), kept);
  report.train_engines = train.readings.size();
  EL_ASSIGN_OR_RETURN(EngineWindows train_windows, ExtractWindows(train, kept, options));
  const std::vector<float> labels = CappedLabels(train_windows, train, options.rul_cap);
  report.feature_count = train_windows.table.cols();
  report.train_windows = train_windows.table.rows();

  if (options.test_path.empty()) {
    report.cross_validation = true;
    report.folds = options.folds;
    return CrossValidate(train, train_windows, labels, options, std::move(report));
  }

  report.cross_validation = false;
  EL_ASSIGN_OR_RETURN(io::CmapssUnits test, io::ReadCmapssTxt(options.test_path, fs));
  EL_ASSIGN_OR_RETURN(std::vector<int> rul, io::ReadCmapssRul(options.rul_path, fs));
  if (rul.size() != test.readings.size()) {
    return InvalidArgument("C-MAPSS: RUL file " + options.rul_path + " has " +
                           std::to_string(rul.size()) + " values for " +
                           std::to_string(test.readings.size()) + " test engines in " +
                           options.test_path);
  }
  test = KeepSignals(std::move(test), kept);
  report.test_engines = test.readings.size();
  EL_ASSIGN_OR_RETURN(EngineWindows test_windows, ExtractWindows(test, kept, options));
  std::vector<size_t> fit_rows(train_windows.table.rows());
  std::iota(fit_rows.begin(), fit_rows.end(), 0);
  std::vector<size_t> last_rows;  // the window ending at each test engine's last cycle
  std::vector<double> truth;
  for (size_t r = 0; r < test_windows.table.rows(); ++r) {
    const size_t engine = test_windows.engine[r];
    if (test_windows.cycle[r] == test.max_cycle[engine]) {
      last_rows.push_back(r);
      truth.push_back(rul[engine]);
    }
  }
  EL_ASSIGN_OR_RETURN(std::vector<double> predicted,
                      TrainAndPredict(train_windows, fit_rows, labels, test_windows, last_rows,
                                      options));
  EL_ASSIGN_OR_RETURN(report.per_engine, training::EvaluateRegression(predicted, truth));
  report.per_engine_rows = predicted.size();
  return report;
}

}  // namespace edgeloop::pipeline
