#include "edgeloop/cmd_eval.h"

#include <nlohmann/json.hpp>

#include "base/file_system.h"
#include "bundle/key_file.h"
#include "edgeloop/exit_code.h"
#include "pipeline/cmapss_eval.h"
#include "pipeline/skab_eval.h"
#include "pipeline/skab_export.h"
#include "training/skab_metrics.h"
#include "training/skab_predictions.h"

namespace edgeloop::app {
namespace {

using nlohmann::json;

void WriteJson(std::FILE* out, const json& doc) {
  const std::string text = doc.dump(2, ' ', false, json::error_handler_t::replace);
  std::fprintf(out, "%s\n", text.c_str());
}

json RegressionJson(const training::RegressionMetrics& m, size_t rows) {
  return json{{"rmse", m.rmse}, {"mae", m.mae}, {"nasa_score", m.nasa_score}, {"rows", rows}};
}

json SkabScoresJson(const pipeline::SkabScores& s) {
  return json{{"name", s.name},
              {"files", s.files},
              {"test_rows", s.test_rows},
              {"f1", s.outliers.f1},
              {"far_pct", s.outliers.far_pct},
              {"mar_pct", s.outliers.mar_pct},
              {"nab_standard", s.nab.standard},
              {"nab_low_fp", s.nab.low_fp},
              {"nab_low_fn", s.nab.low_fn},
              {"tp", s.outliers.tp},
              {"tn", s.outliers.tn},
              {"fp", s.outliers.fp},
              {"fn", s.outliers.fn},
              {"missed_cps", s.nab.missed_cps},
              {"fp_cps", s.nab.fp_cps},
              {"true_cps", s.nab.true_cps}};
}

void PrintSkabScores(std::FILE* out, const pipeline::SkabScores& s) {
  std::fprintf(out, "%-10s %5zu %6.2f %8.2f %8.2f %9.2f %9.2f %9.2f\n", s.name.c_str(), s.files,
               s.outliers.f1, s.outliers.far_pct, s.outliers.mar_pct, s.nab.standard,
               s.nab.low_fp, s.nab.low_fn);
}

int ExportSkab(const EvalSkabFlags& flags, const pipeline::SkabEvalConfig& config, FileSystem& fs,
               std::FILE* out, std::FILE* err) {
  if (flags.key.empty() || flags.output.empty()) {
    return ReportFailure(InvalidArgument("--export needs --key KEY.key and -o OUT.elb"), err);
  }
  Result<bundle::SigningKey> key = bundle::LoadSigningKey(fs, flags.key);
  if (!key.ok()) return ReportFailure(key.status(), err);
  Result<pipeline::SkabExport> exported = pipeline::ExportSkabBundle(
      JoinPath(flags.data, flags.export_file), config, *key, 0, fs);
  if (!exported.ok()) return ReportFailure(exported.status(), err);
  Status written = fs.WriteFileAtomic(flags.output, exported->bundle);
  if (!written.ok()) return ReportFailure(written, err);
  if (flags.json) {
    WriteJson(out, json{{"file", exported->file},
                        {"bundle", flags.output},
                        {"run_id", exported->run_id},
                        {"threshold", exported->threshold},
                        {"golden_rows", exported->golden_rows},
                        {"bytes", exported->bundle.size()}});
  } else {
    std::fprintf(out, "wrote %s: %s model of %s, threshold %.6g, %zu golden rows\n",
                 flags.output.c_str(), config.model_kind.c_str(), exported->file.c_str(),
                 exported->threshold, exported->golden_rows);
  }
  return kExitOk;
}

}  // namespace

int RunEvalSkab(const EvalSkabFlags& flags, FileSystem& fs, std::FILE* out, std::FILE* err) {
  pipeline::SkabEvalConfig config;
  if (!flags.config.empty()) {
    Result<std::string> text = fs.ReadFile(flags.config);
    if (!text.ok()) return ReportFailure(text.status(), err);
    Result<pipeline::SkabEvalConfig> parsed = pipeline::ParseSkabEvalConfig(*text, flags.config);
    if (!parsed.ok()) return ReportFailure(parsed.status(), err);
    config = std::move(parsed).value();
  }
  if (!flags.model.empty()) config.model_kind = flags.model;
  if (!flags.export_file.empty()) return ExportSkab(flags, config, fs, out, err);
  Result<pipeline::SkabReport> result = pipeline::EvaluateSkab(flags.data, config, fs);
  if (!result.ok()) return ReportFailure(result.status(), err);
  const pipeline::SkabReport& r = *result;
  const training::AnomalyThresholdConfig& t = config.threshold();
  if (flags.json) {
    json folders = json::array();
    for (const pipeline::SkabScores& s : r.folders) folders.push_back(SkabScoresJson(s));
    json files = json::array();
    for (const pipeline::SkabFileResult& f : r.files) {
      json alerts = json::array();
      for (const pipeline::SkabAlertChange& a : f.alerts) {
        alerts.push_back({{"state", a.raised ? "raised" : "cleared"}, {"time_ms", a.time_ms}});
      }
      files.push_back({{"file", f.name},
                       {"rows", f.rows},
                       {"threshold", f.threshold},
                       {"test_from_ms", f.series.time_ms.empty() ? 0 : f.series.time_ms.front()},
                       {"alerts", alerts}});
    }
    WriteJson(out, json{{"data", flags.data},
                        {"protocol", "fit on the first " + std::to_string(config.train_rows) +
                                         " rows of each file, predict the rest, pool"},
                        {"model", config.model_kind},
                        {"features", r.feature_names},
                        {"threshold_rule", training::AnomalyThresholdRuleName(t.rule)},
                        {"threshold_factor", t.factor},
                        {"overall", SkabScoresJson(r.overall)},
                        {"folders", folders},
                        {"files", files}});
    return kExitOk;
  }
  std::fprintf(out, "SKAB, official protocol (fit on the first %d rows of each file), model %s\n",
               config.train_rows, config.model_kind.c_str());
  std::fprintf(out, "%-10s %5s %6s %8s %8s %9s %9s %9s\n", "folder", "files", "F1", "FAR_%",
               "MAR_%", "NAB_std", "NAB_lowFP", "NAB_lowFN");
  for (const pipeline::SkabScores& s : r.folders) PrintSkabScores(out, s);
  PrintSkabScores(out, r.overall);
  std::fprintf(out,
               "published (all 34 files): Conv-AE F1 0.78 FAR 13.55 MAR 28.02; MSET 0.78 / 39.73 "
               "/ 14.13; T2+Q 0.76 / 26.62 / 24.92; best NAB standard 32.42 (MSCRED)\n");
  return kExitOk;
}

int RunEvalCmapss(const EvalCmapssFlags& flags, FileSystem& fs, std::FILE* out, std::FILE* err) {
  pipeline::CmapssOptions options;
  options.train_path = flags.train;
  options.test_path = flags.test;
  options.rul_path = flags.rul;
  options.folds = flags.folds;
  options.seed = flags.seed;
  Result<pipeline::CmapssReport> result = pipeline::EvaluateCmapss(options, fs);
  if (!result.ok()) return ReportFailure(result.status(), err);
  const pipeline::CmapssReport& r = *result;
  if (flags.json) {
    json doc = {{"protocol", r.cross_validation ? "cross_validation" : "test"},
                {"train_engines", r.train_engines},
                {"dropped_columns", r.dropped_columns},
                {"features", r.feature_count},
                {"train_windows", r.train_windows},
                {"seed", flags.seed}};
    if (r.cross_validation) {
      doc["folds"] = r.folds;
      doc["truncated_engines"] = RegressionJson(r.per_engine, r.per_engine_rows);
      doc["all_windows"] = RegressionJson(r.all_windows, r.all_windows_rows);
      doc["fold_truncated_rmse"] = r.fold_per_engine_rmse;
    } else {
      doc["test_engines"] = r.test_engines;
      doc["test_last_cycle"] = RegressionJson(r.per_engine, r.per_engine_rows);
    }
    WriteJson(out, doc);
    return kExitOk;
  }
  std::fprintf(out, "C-MAPSS RUL regression (XGBoost, target capped at 125)\n");
  std::fprintf(out, "train engines   %zu, %zu windows, %zu features\n", r.train_engines,
               r.train_windows, r.feature_count);
  std::string dropped;
  for (const std::string& c : r.dropped_columns) dropped += (dropped.empty() ? "" : " ") + c;
  std::fprintf(out, "constant, dropped  %s\n", dropped.empty() ? "-" : dropped.c_str());
  if (r.cross_validation) {
    std::fprintf(out, "protocol        %d-fold cross-validation by engine, seed %llu\n", r.folds,
                 static_cast<unsigned long long>(flags.seed));
    std::fprintf(out,
                 "truncated engines  RMSE %.2f  MAE %.2f  NASA %.1f  (%zu predictions; comparable "
                 "to published FD001 test RMSE)\n",
                 r.per_engine.rmse, r.per_engine.mae, r.per_engine.nasa_score, r.per_engine_rows);
    std::fprintf(out, "all windows        RMSE %.2f  MAE %.2f  NASA %.1f  (%zu windows)\n",
                 r.all_windows.rmse, r.all_windows.mae, r.all_windows.nasa_score,
                 r.all_windows_rows);
  } else {
    std::fprintf(out, "protocol        official test, one prediction per engine at its last cycle\n");
    std::fprintf(out, "test engines    %zu  RMSE %.2f  MAE %.2f  NASA %.1f\n", r.test_engines,
                 r.per_engine.rmse, r.per_engine.mae, r.per_engine.nasa_score);
  }
  std::fprintf(out, "published FD001 test RMSE: CNN 18.45, deep LSTM 16.14, best 10.97\n");
  return kExitOk;
}

int RunEvalSkabMetrics(const EvalSkabMetricsFlags& flags, FileSystem& fs, std::FILE* out,
                       std::FILE* err) {
  Result<std::string> text = fs.ReadFile(flags.predictions);
  if (!text.ok()) return ReportFailure(text.status(), err);
  Result<std::vector<training::SkabDetectorPredictions>> detectors =
      training::ParseSkabPredictions(flags.predictions, *text);
  if (!detectors.ok()) return ReportFailure(detectors.status(), err);
  json rows = json::array();
  if (!flags.json) {
    std::fprintf(out, "%-32s %6s %8s %8s %9s %9s %9s %7s %7s %7s\n", "detector", "F1", "FAR_%",
                 "MAR_%", "NAB_std", "NAB_lowFP", "NAB_lowFN", "missed", "FP_CPs", "CPs");
  }
  for (const training::SkabDetectorPredictions& d : *detectors) {
    const training::SkabOutlierMetrics o = training::ScoreSkabOutliers(d.series);
    const training::SkabNabScores n = training::ScoreSkabNab(d.series);
    if (flags.json) {
      rows.push_back({{"detector", d.detector}, {"f1", o.f1}, {"far_pct", o.far_pct},
                      {"mar_pct", o.mar_pct}, {"nab_standard", n.standard},
                      {"nab_low_fp", n.low_fp}, {"nab_low_fn", n.low_fn},
                      {"missed_cps", n.missed_cps}, {"fp_cps", n.fp_cps},
                      {"true_cps", n.true_cps}, {"tp", o.tp}, {"tn", o.tn}, {"fp", o.fp},
                      {"fn", o.fn}});
    } else {
      std::fprintf(out, "%-32s %6.2f %8.2f %8.2f %9.2f %9.2f %9.2f %7d %7d %7d\n",
                   d.detector.c_str(), o.f1, o.far_pct, o.mar_pct, n.standard, n.low_fp,
                   n.low_fn, n.missed_cps, n.fp_cps, n.true_cps);
    }
  }
  if (flags.json) WriteJson(out, json{{"predictions", flags.predictions}, {"detectors", rows}});
  return kExitOk;
}

}  // namespace edgeloop::app
