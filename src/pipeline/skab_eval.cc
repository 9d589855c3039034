#include "pipeline/skab_eval.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <utility>

#include "base/strings.h"
#include "base/time_format.h"
#include "features/window_extractor.h"
#include "io/skab_reader.h"
#include "models/isolation_forest_scorer.h"
#include "models/pca_scorer.h"
#include "training/anomaly_threshold.h"
#include "training/isolation_forest_fit.h"
#include "training/pca_fit.h"

namespace edgeloop::pipeline {
namespace {

// Labelled SKAB files under dir: dir/*.csv and dir/*/*.csv, sorted by path.
Result<std::vector<std::string>> FindCsvFiles(const std::string& dir, FileSystem& fs) {
  if (!fs.IsDirectory(dir)) return NotFound("SKAB data folder " + dir + " does not exist");
  std::vector<std::string> paths;
  EL_ASSIGN_OR_RETURN(std::vector<std::string> entries, fs.ListDir(dir));
  for (const std::string& e : entries) {
    const std::string path = JoinPath(dir, e);
    if (fs.IsDirectory(path)) {
      EL_ASSIGN_OR_RETURN(std::vector<std::string> inner, fs.ListDir(path));
      for (const std::string& f : inner) {
        if (EndsWith(f, ".csv")) paths.push_back(JoinPath(path, f));
      }
    } else if (EndsWith(e, ".csv")) {
      paths.push_back(path);
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

struct FittedModel {
  std::unique_ptr<models::Scorer> scorer;
  std::string model_json;
  std::vector<double> training_scores;
};

Result<FittedModel> Fit(const SkabEvalConfig& config, const std::vector<std::string>& names,
                        const std::vector<double>& train) {
  FittedModel fitted;
  if (config.model_kind == "pca") {
    EL_ASSIGN_OR_RETURN(training::PcaFitResult fit, training::FitPca(names, train, config.pca));
    EL_ASSIGN_OR_RETURN(std::unique_ptr<models::PcaScorer> scorer,
                        models::PcaScorer::Create(std::move(fit.model)));
    fitted.model_json = scorer->ToJson();
    fitted.scorer = std::move(scorer);
    fitted.training_scores = std::move(fit.training_scores);
  } else {
    EL_ASSIGN_OR_RETURN(training::IsolationForestFitResult fit,
                        training::FitIsolationForest(names, train, config.isolation_forest));
    EL_ASSIGN_OR_RETURN(std::unique_ptr<models::IsolationForestScorer> scorer,
                        models::IsolationForestScorer::Create(std::move(fit.model)));
    fitted.model_json = scorer->ToJson();
    fitted.scorer = std::move(scorer);
    fitted.training_scores = std::move(fit.training_scores);
  }
  return fitted;
}

Result<SkabFileResult> EvaluateFile(const io::SkabFile& file, const SkabEvalConfig& config,
                                    std::vector<std::string>* feature_names) {
  EL_ASSIGN_OR_RETURN(SkabFittedFile fitted, FitSkabFile(file, config));
  const SkabFeatures& f = fitted.features;
  *feature_names = f.names;
  const size_t n = file.readings.rows();
  const size_t train_rows = static_cast<size_t>(config.train_rows);
  const size_t d = f.names.size();
  const size_t windows = f.window_end_ms.size();

  // Score every window with an input, in time order, and run the alert rule over them.
  std::vector<size_t> scored;
  std::vector<double> scores;
  for (size_t w = 0; w < windows; ++w) {
    const double* row = f.Row(w);
    if (std::all_of(row, row + d, [](double v) { return std::isnan(v); })) continue;
    scored.push_back(w);
    scores.push_back(fitted.scorer->Score(row));
  }
  const std::vector<double> on = SkabAlertPredictions(scores, fitted.threshold, config.alert);
  std::vector<double> state(windows, 0.0);  // alert open after each window
  double open = 0;
  for (size_t w = 0, k = 0; w < windows; ++w) {
    if (k < scored.size() && scored[k] == w) open = on[k++];
    state[w] = open;
  }

  SkabFileResult result;
  result.name = file.readings.asset;
  result.rows = n;
  result.threshold = fitted.threshold;
  training::SkabSeries& s = result.series;
  s.time_ms.assign(file.readings.time_ms.begin() + static_cast<long>(train_rows),
                   file.readings.time_ms.end());
  s.anomaly.assign(file.anomaly.begin() + static_cast<long>(train_rows), file.anomaly.end());
  s.changepoint.assign(file.changepoint.begin() + static_cast<long>(train_rows),
                       file.changepoint.end());
  for (size_t i = train_rows; i < n; ++i) s.prediction.push_back(state[f.row_window[i]]);
  const size_t first_test = f.row_window[train_rows];
  for (size_t w = first_test; w < windows; ++w) {
    const double before = w == 0 ? 0.0 : state[w - 1];
    if (state[w] != before) result.alerts.push_back({f.window_end_ms[w], state[w] != 0});
  }
  return result;
}

SkabScores Score(const std::string& name, const std::vector<const SkabFileResult*>& files) {
  SkabScores scores;
  scores.name = name;
  scores.files = files.size();
  std::vector<training::SkabSeries> series;
  for (const SkabFileResult* f : files) {
    series.push_back(f->series);
    scores.test_rows += f->series.time_ms.size();
  }
  scores.outliers = training::ScoreSkabOutliers(series);
  scores.nab = training::ScoreSkabNab(series);
  return scores;
}

}  // namespace

Result<features::FeatureSpec> SkabFeatureSpec(const SkabFeatureConfig& config) {
  features::FeatureSpec spec;
  spec.window_length_ms = static_cast<int64_t>(config.window_rows) * kMillisPerSecond;
  spec.hop_ms = kMillisPerSecond;
  spec.period_ms = kMillisPerSecond;
  spec.min_coverage = 0;  // a trailing mean over whatever rows the window holds
  for (const std::string& signal : config.level_signals) {
    features::SignalSpec s;
    s.name = io::SkabSignalName(signal);
    s.functions = {features::WindowFunction::kMean};
    spec.signals.push_back(std::move(s));
  }
  for (const std::string& signal : config.rate_signals) {
    features::SignalSpec s;
    s.name = io::SkabSignalName(signal);
    s.functions = {features::WindowFunction::kMean};
    s.changes = {features::ChangeKind::kDelta};
    s.lag = config.rate_lag_rows;
    spec.signals.push_back(std::move(s));
  }
  Status valid = spec.Validate();
  if (!valid.ok()) return valid.WithContext("SKAB features");
  return spec;
}

std::vector<std::string> SkabModelInputs(const SkabFeatureConfig& config) {
  std::vector<std::string> names;
  for (const std::string& s : config.level_signals) {
    names.push_back(io::SkabSignalName(s) + "__mean");
  }
  for (const std::string& s : config.rate_signals) {
    names.push_back(io::SkabSignalName(s) + "__mean__delta");
  }
  return names;
}

Result<SkabFeatures> SkabFeatureRows(const AssetReadings& readings,
                                     const SkabFeatureConfig& config) {
  EL_ASSIGN_OR_RETURN(features::FeatureSpec spec, SkabFeatureSpec(config));
  AssetReadings renamed = readings;
  for (std::string& signal : renamed.signals) signal = io::SkabSignalName(signal);
  for (const features::SignalSpec& s : spec.signals) {
    if (renamed.SignalIndex(s.name) < 0) {
      return InvalidArgument("SKAB file " + readings.asset + ": no signal '" + s.name + "'");
    }
  }
  EL_ASSIGN_OR_RETURN(features::FeatureTable table, features::ExtractFeatures(spec, renamed));
  SkabFeatures out;
  out.names = SkabModelInputs(config);
  std::vector<size_t> pick;
  for (const std::string& name : out.names) {
    pick.push_back(static_cast<size_t>(
        std::find(table.columns.begin(), table.columns.end(), name) - table.columns.begin()));
  }
  const size_t width = table.columns.size();
  out.window_end_ms = table.window_end_ms;
  out.values.reserve(table.rows() * pick.size());
  for (size_t w = 0; w < table.rows(); ++w) {
    for (size_t c : pick) out.values.push_back(table.values[w * width + c]);
  }
  for (int64_t t : readings.time_ms) {
    const int64_t end = features::BlockEndFor(t, spec.hop_ms);
    out.row_window.push_back(static_cast<size_t>((end - out.window_end_ms.front()) / spec.hop_ms));
  }
  return out;
}

Result<SkabFittedFile> FitSkabFile(const io::SkabFile& file, const SkabEvalConfig& config) {
  EL_RETURN_IF_ERROR(ValidateSkabEvalConfig(config));
  const std::string& name = file.readings.asset;
  const size_t n = file.readings.rows();
  const size_t train_rows = static_cast<size_t>(config.train_rows);
  if (n <= train_rows) {
    return InvalidArgument("SKAB file " + name + ": " + std::to_string(n) +
                           " rows, not more than the " + std::to_string(train_rows) +
                           " training rows");
  }
  SkabFittedFile fitted;
  EL_ASSIGN_OR_RETURN(fitted.features, SkabFeatureRows(file.readings, config.features));
  const SkabFeatures& f = fitted.features;
  const size_t d = f.names.size();
  // Training rows start once every feature's window is full (first rows lack a rate's lag).
  size_t first = static_cast<size_t>(config.features.window_rows - 1);
  if (!config.features.rate_signals.empty()) {
    first = std::max(first, static_cast<size_t>(config.features.rate_lag_rows +
                                                config.features.window_rows - 1));
  }
  first = std::min(first, train_rows / 2);
  std::vector<double> train;
  for (size_t i = first; i < train_rows; ++i) {
    const size_t w = f.row_window[i];
    fitted.training_windows.push_back(w);
    train.insert(train.end(), f.Row(w), f.Row(w) + d);
  }
  Result<FittedModel> model = Fit(config, f.names, train);
  if (!model.ok()) return model.status().WithContext("SKAB file " + name);
  EL_ASSIGN_OR_RETURN(fitted.threshold,
                      training::AnomalyThreshold(model->training_scores, config.threshold()));
  fitted.scorer = std::move(model->scorer);
  fitted.model_json = std::move(model->model_json);
  return fitted;
}

std::vector<double> SkabAlertPredictions(const std::vector<double>& scores, double threshold,
                                         const SkabAlertConfig& alert) {
  std::vector<double> out(scores.size(), 0.0);
  std::vector<int> over(scores.size(), 0);
  int in_window = 0;
  bool on = false;
  for (size_t i = 0; i < scores.size(); ++i) {
    over[i] = scores[i] >= threshold ? 1 : 0;
    in_window += over[i];
    if (i >= static_cast<size_t>(alert.n)) in_window -= over[i - static_cast<size_t>(alert.n)];
    const bool smoothed = in_window >= alert.k;
    if (!on) {
      on = smoothed;
    } else if (!smoothed && scores[i] < alert.release_ratio * threshold) {
      on = false;
    }
    out[i] = on ? 1.0 : 0.0;
  }
  return out;
}

Result<SkabReport> EvaluateSkab(const std::string& data_dir, const SkabEvalConfig& config,
                                FileSystem& fs) {
  EL_RETURN_IF_ERROR(ValidateSkabEvalConfig(config));
  EL_ASSIGN_OR_RETURN(std::vector<std::string> paths, FindCsvFiles(data_dir, fs));
  SkabReport report;
  report.config = config;
  for (const std::string& path : paths) {
    EL_ASSIGN_OR_RETURN(io::SkabFile file, io::ReadSkabCsv(path, fs));
    if (!file.labelled) continue;
    EL_ASSIGN_OR_RETURN(SkabFileResult result, EvaluateFile(file, config, &report.feature_names));
    report.files.push_back(std::move(result));
  }
  if (report.files.empty()) {
    return InvalidArgument("SKAB data folder " + data_dir + " holds no labelled .csv file");
  }
  std::sort(report.files.begin(), report.files.end(),
            [](const SkabFileResult& a, const SkabFileResult& b) { return a.name < b.name; });
  std::map<std::string, std::vector<const SkabFileResult*>> by_folder;
  std::vector<const SkabFileResult*> all;
  for (const SkabFileResult& f : report.files) {
    const size_t slash = f.name.find('/');
    by_folder[slash == std::string::npos ? "." : f.name.substr(0, slash)].push_back(&f);
    all.push_back(&f);
  }
  for (const auto& [folder, files] : by_folder) report.folders.push_back(Score(folder, files));
  report.overall = Score("overall", all);
  return report;
}

}  // namespace edgeloop::pipeline
