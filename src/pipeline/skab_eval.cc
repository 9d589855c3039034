#include "pipeline/skab_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <utility>

#include "base/strings.h"
#include "io/skab_reader.h"
#include "models/isolation_forest_scorer.h"
#include "models/pca_scorer.h"
#include "training/anomaly_threshold.h"
#include "training/isolation_forest_fit.h"
#include "training/pca_fit.h"

namespace edgeloop::pipeline {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Trailing mean over `window` values, ignoring NaN; NaN when the window has no value.
std::vector<double> TrailingMean(const std::vector<double>& x, int window) {
  std::vector<double> out(x.size(), kNaN);
  double sum = 0;
  int count = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    if (std::isfinite(x[i])) {
      sum += x[i];
      ++count;
    }
    if (i >= static_cast<size_t>(window)) {
      const double old = x[i - static_cast<size_t>(window)];
      if (std::isfinite(old)) {
        sum -= old;
        --count;
      }
    }
    if (count > 0) out[i] = sum / count;
  }
  return out;
}

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
  std::vector<double> training_scores;
};

Result<FittedModel> Fit(const SkabEvalConfig& config, const std::vector<std::string>& names,
                        const std::vector<double>& train) {
  FittedModel fitted;
  if (config.model_kind == "pca") {
    EL_ASSIGN_OR_RETURN(training::PcaFitResult fit, training::FitPca(names, train, config.pca));
    EL_ASSIGN_OR_RETURN(std::unique_ptr<models::PcaScorer> scorer,
                        models::PcaScorer::Create(std::move(fit.model)));
    fitted.scorer = std::move(scorer);
    fitted.training_scores = std::move(fit.training_scores);
  } else {
    EL_ASSIGN_OR_RETURN(training::IsolationForestFitResult fit,
                        training::FitIsolationForest(names, train, config.isolation_forest));
    EL_ASSIGN_OR_RETURN(std::unique_ptr<models::IsolationForestScorer> scorer,
                        models::IsolationForestScorer::Create(std::move(fit.model)));
    fitted.scorer = std::move(scorer);
    fitted.training_scores = std::move(fit.training_scores);
  }
  return fitted;
}

Result<SkabFileResult> EvaluateFile(const io::SkabFile& file, const SkabEvalConfig& config,
                                    std::vector<std::string>* feature_names) {
  const std::string& name = file.readings.asset;
  const size_t n = file.readings.rows();
  const size_t train_rows = static_cast<size_t>(config.train_rows);
  if (n <= train_rows) {
    return InvalidArgument("SKAB file " + name + ": " + std::to_string(n) +
                           " rows, not more than the " + std::to_string(train_rows) +
                           " training rows");
  }
  EL_ASSIGN_OR_RETURN(std::vector<double> rows,
                      SkabFeatureRows(file.readings, config.features, feature_names));
  const size_t d = feature_names->size();
  // Training rows start once every feature's window is full (first rows lack a rate's lag).
  size_t first = static_cast<size_t>(config.features.window_rows - 1);
  if (!config.features.rate_signals.empty()) {
    first = std::max(first, static_cast<size_t>(config.features.rate_lag_rows +
                                                config.features.window_rows - 1));
  }
  first = std::min(first, train_rows / 2);
  const std::vector<double> train(rows.begin() + static_cast<long>(first * d),
                                  rows.begin() + static_cast<long>(train_rows * d));
  Result<FittedModel> fitted = Fit(config, *feature_names, train);
  if (!fitted.ok()) return fitted.status().WithContext("SKAB file " + name);
  EL_ASSIGN_OR_RETURN(double threshold,
                      training::AnomalyThreshold(fitted->training_scores, config.threshold()));
  std::vector<double> scores(n - train_rows);
  fitted->scorer->ScoreBatch(rows.data() + train_rows * d, n - train_rows, scores.data());

  SkabFileResult result;
  result.name = name;
  result.rows = n;
  result.threshold = threshold;
  training::SkabSeries& s = result.series;
  s.time_ms.assign(file.readings.time_ms.begin() + static_cast<long>(train_rows),
                   file.readings.time_ms.end());
  s.anomaly.assign(file.anomaly.begin() + static_cast<long>(train_rows), file.anomaly.end());
  s.changepoint.assign(file.changepoint.begin() + static_cast<long>(train_rows),
                       file.changepoint.end());
  s.prediction = SkabAlertPredictions(scores, threshold, config.alert);
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

Result<std::vector<double>> SkabFeatureRows(const AssetReadings& readings,
                                            const SkabFeatureConfig& config,
                                            std::vector<std::string>* feature_names) {
  feature_names->clear();
  std::vector<std::vector<double>> columns;
  for (const std::string& signal : config.level_signals) {
    const int index = readings.SignalIndex(signal);
    if (index < 0) {
      return InvalidArgument("SKAB file " + readings.asset + ": no signal '" + signal + "'");
    }
    columns.push_back(TrailingMean(readings.values[static_cast<size_t>(index)], config.window_rows));
    feature_names->push_back(signal + "__mean");
  }
  const size_t lag = static_cast<size_t>(config.rate_lag_rows);
  for (const std::string& signal : config.rate_signals) {
    const int index = readings.SignalIndex(signal);
    if (index < 0) {
      return InvalidArgument("SKAB file " + readings.asset + ": no signal '" + signal + "'");
    }
    const std::vector<double>& x = readings.values[static_cast<size_t>(index)];
    std::vector<double> change(x.size(), kNaN);
    for (size_t i = lag; i < x.size(); ++i) change[i] = x[i] - x[i - lag];
    columns.push_back(TrailingMean(change, config.window_rows));
    feature_names->push_back(signal + "__change_" + std::to_string(lag));
  }
  const size_t n = readings.rows();
  const size_t d = columns.size();
  std::vector<double> rows(n * d);
  for (size_t r = 0; r < n; ++r) {
    for (size_t c = 0; c < d; ++c) rows[r * d + c] = columns[c][r];
  }
  return rows;
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
