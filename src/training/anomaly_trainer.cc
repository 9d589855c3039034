#include "training/anomaly_trainer.h"

#include <memory>
#include <set>
#include <utility>

#include "base/sha256.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "models/isolation_forest_scorer.h"
#include "models/pca_scorer.h"
#include "models/scorer_loader.h"
#include "training/trainer.h"
#include "training/dataset.h"
#include "training/maintenance_metrics.h"
#include "training/metrics.h"

namespace edgeloop::training {
namespace {

// The fewest rows each fitter accepts.
size_t MinFitRows(AnomalyKind kind) { return kind == AnomalyKind::kPca ? 3 : 2; }

std::vector<double> Gather(const features::FeatureTable& table, const std::vector<size_t>& idx) {
  std::vector<double> out;
  out.reserve(idx.size() * table.cols());
  for (size_t r : idx) out.insert(out.end(), table.row(r), table.row(r) + table.cols());
  return out;
}

struct Fitted {
  std::string model_json;
  double explained_variance = 0;
  size_t components = 0;
};

Result<Fitted> Fit(const features::FeatureTable& table, const std::vector<size_t>& rows,
                   const AnomalyModelConfig& config) {
  const std::vector<double> values = Gather(table, rows);
  Fitted fitted;
  if (config.kind == AnomalyKind::kPca) {
    EL_ASSIGN_OR_RETURN(PcaFitResult fit, FitPca(table.columns, values, config.pca));
    fitted.explained_variance = fit.explained;
    fitted.components = fit.model.components.size();
    EL_ASSIGN_OR_RETURN(std::unique_ptr<models::PcaScorer> scorer,
                        models::PcaScorer::Create(std::move(fit.model)));
    fitted.model_json = scorer->ToJson();
  } else {
    EL_ASSIGN_OR_RETURN(IsolationForestFitResult fit,
                        FitIsolationForest(table.columns, values, config.isolation_forest));
    EL_ASSIGN_OR_RETURN(std::unique_ptr<models::IsolationForestScorer> scorer,
                        models::IsolationForestScorer::Create(std::move(fit.model)));
    fitted.model_json = scorer->ToJson();
  }
  return fitted;
}

std::vector<double> ScoreRows(const models::Scorer& scorer, const features::FeatureTable& table,
                              const std::vector<size_t>& rows) {
  const std::vector<double> values = Gather(table, rows);
  std::vector<double> scores(rows.size());
  scorer.ScoreBatch(values.data(), rows.size(), scores.data());
  return scores;
}

std::string ThresholdReason(const AnomalyThresholdConfig& t, size_t fit_rows,
                            AnomalyFitRows rule) {
  const std::string windows = std::to_string(fit_rows) +
                              (rule == AnomalyFitRows::kHealthyTrainingRows
                                   ? " healthy training windows"
                                   : " training windows");
  std::string reason =
      t.rule == AnomalyThresholdRule::kQuantile
          ? "the " + FormatDouble(t.quantile) + " quantile of the model's scores on its " + windows
          : "set so that about " + FormatDouble(100 * t.false_alarm_rate) + " % of its " +
                windows + " score over it";
  if (t.factor != 1) reason += ", times " + FormatDouble(t.factor);
  return reason;
}

std::string DescribeSplit(const Split& split) {
  std::string text;
  if (split.has_cutoff) text = "time (test from " + FormatTimestamp(split.cutoff_ms) + ")";
  if (!split.test_assets.empty()) {
    if (!text.empty()) text += " and ";
    text += "pump (" + std::to_string(split.test_assets.size()) + " pumps held out)";
  }
  return text;
}

bool HasFailure(const std::vector<io::Event>& events) {
  for (const io::Event& e : events) {
    if (e.kind == io::EventKind::kFailure) return true;
  }
  return false;
}

}  // namespace

std::string_view AnomalyKindName(AnomalyKind kind) {
  return kind == AnomalyKind::kPca ? models::PcaScorer::kKind
                                   : models::IsolationForestScorer::kKind;
}

bool ParseAnomalyKind(std::string_view text, AnomalyKind* kind) {
  for (AnomalyKind k : {AnomalyKind::kPca, AnomalyKind::kIsolationForest}) {
    if (text == AnomalyKindName(k)) {
      *kind = k;
      return true;
    }
  }
  return false;
}

std::string_view AnomalyFitRowsName(AnomalyFitRows rows) {
  return rows == AnomalyFitRows::kHealthyTrainingRows ? "healthy_training_rows" : "all_rows";
}

Status ValidateAnomalyModelConfig(const AnomalyModelConfig& c) {
  if (c.kind == AnomalyKind::kPca) {
    if (c.pca.components < 0) return InvalidArgument("pca components: expected 0 or more");
    if (!(c.pca.explained_variance > 0 && c.pca.explained_variance <= 1)) {
      return InvalidArgument("pca explained_variance " + FormatDouble(c.pca.explained_variance) +
                             ": expected a share in (0, 1]");
    }
    if (!(c.pca.limit_quantile > 0 && c.pca.limit_quantile <= 1)) {
      return InvalidArgument("pca limit_quantile " + FormatDouble(c.pca.limit_quantile) +
                             ": expected a quantile in (0, 1]");
    }
  } else {
    if (c.isolation_forest.trees < 1) {
      return InvalidArgument("isolation forest trees: expected 1 or more");
    }
    if (c.isolation_forest.sample_size < 2) {
      return InvalidArgument("isolation forest sample_size: expected 2 or more");
    }
  }
  return ValidateAnomalyThresholdConfig(c.threshold);
}

Result<AnomalyTrainResult> TrainAnomaly(const features::FeatureTable& table,
                                        const std::vector<io::Event>& events,
                                        const TrainConfig& config,
                                        const AnomalyModelConfig& model) {
  EL_RETURN_IF_ERROR(ValidateTrainConfig(config));
  EL_RETURN_IF_ERROR(ValidateAnomalyModelConfig(model));
  if (config.task != Task::kClassification) {
    return InvalidArgument(std::string(AnomalyKindName(model.kind)) +
                           " models warn of failures; task " +
                           std::string(TaskName(config.task)) + " needs the tree ensemble");
  }
  EL_RETURN_IF_ERROR(ValidateFeatureTable(table));
  if (table.cols() == 0) return InvalidArgument("feature table has no feature columns");
  EL_RETURN_IF_ERROR(ValidateEvents(table, events));

  AnomalyTrainResult result;
  result.kind = model.kind;
  result.feature_names = table.columns;
  Dataset d;
  if (HasFailure(events)) {
    DatasetOptions options;
    options.labels = config.labels;
    options.split = config.split;
    options.validation_fraction = 0;
    EL_ASSIGN_OR_RETURN(d, MakeDataset(table, events, options));
    result.fit_rows_rule = AnomalyFitRows::kHealthyTrainingRows;
    for (size_t r : d.train) {
      if (d.labels.failure_within_horizon[r] == 0) result.fit_rows.push_back(r);
    }
    if (d.test.empty()) {
      return FailedPrecondition("no test rows left after labelling and splitting (" +
                                std::to_string(table.rows()) + " rows, " +
                                std::to_string(d.labels.CountExcluded()) + " excluded)");
    }
    result.evaluated = true;
  } else {
    result.fit_rows_rule = AnomalyFitRows::kAllRows;
    for (size_t r = 0; r < table.rows(); ++r) result.fit_rows.push_back(r);
    d.digest = DatasetDigest(table, events);
  }
  result.dataset_digest = d.digest;
  if (result.fit_rows.size() < MinFitRows(model.kind)) {
    return FailedPrecondition(
        "only " + std::to_string(result.fit_rows.size()) + " " +
        std::string(AnomalyFitRowsName(result.fit_rows_rule)) + " of " +
        std::to_string(table.rows()) + " feature rows are left to fit a " +
        std::string(AnomalyKindName(model.kind)) + " model on (it needs " +
        std::to_string(MinFitRows(model.kind)) + "); lengthen the history or the split");
  }

  EL_ASSIGN_OR_RETURN(Fitted fitted, Fit(table, result.fit_rows, model));
  result.model_json = std::move(fitted.model_json);
  result.model_digest = Sha256Hex(result.model_json);
  result.explained_variance = fitted.explained_variance;
  result.components = fitted.components;
  // The scorer a device builds from the same bytes.
  EL_ASSIGN_OR_RETURN(std::unique_ptr<models::Scorer> scorer,
                      models::LoadScorer(AnomalyKindName(model.kind), result.model_json));
  result.fit_scores = ScoreRows(*scorer, table, result.fit_rows);
  Result<double> threshold = AnomalyThreshold(result.fit_scores, model.threshold);
  if (!threshold.ok()) {
    return threshold.status().WithContext(std::string(AnomalyKindName(model.kind)) + " model");
  }
  result.threshold = *threshold;
  result.threshold_reason =
      ThresholdReason(model.threshold, result.fit_rows.size(), result.fit_rows_rule);
  if (!result.evaluated) return result;

  const std::vector<double> test_scores = ScoreRows(*scorer, table, d.test);
  for (size_t i = 0; i < d.test.size(); ++i) {
    const size_t r = d.test[i];
    result.test_predictions.push_back({table.asset[r], table.window_end_ms[r], test_scores[i],
                                       static_cast<double>(d.labels.failure_within_horizon[r])});
  }
  EvaluationReport& report = result.report;
  report.task = std::string(TaskName(config.task));
  report.horizon_ms = config.labels.horizon_ms;
  report.split = DescribeSplit(d.outer);
  report.rows_total = table.rows();
  report.rows_excluded = d.labels.CountExcluded();
  report.train_rows = d.train.size();
  report.validation_rows = 0;
  report.test_rows = d.test.size();
  std::set<std::string> test_assets;
  for (size_t r : d.test) test_assets.insert(table.asset[r]);
  report.test_assets = test_assets.size();
  report.threshold = result.threshold;
  report.threshold_policy = std::string(AnomalyThresholdRuleName(model.threshold.rule));
  report.threshold_reason = result.threshold_reason;
  report.alert = config.alert;
  EL_RETURN_IF_ERROR(EvaluatePredictions(result.test_predictions, events, config, &report));
  return result;
}

}  // namespace edgeloop::training
