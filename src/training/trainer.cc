#include "training/trainer.h"

#include <limits>
#include <set>
#include <utility>

#include "base/time_format.h"
#include "training/dataset.h"
#include "training/maintenance_metrics.h"
#include "training/metrics.h"
#include "training/xgboost_trainer.h"

namespace edgeloop::training {
namespace {

// The rows `idx` of the table as one contiguous row-major block.
std::vector<double> Gather(const features::FeatureTable& table, const std::vector<size_t>& idx) {
  std::vector<double> out;
  out.reserve(idx.size() * table.cols());
  for (size_t r : idx) out.insert(out.end(), table.row(r), table.row(r) + table.cols());
  return out;
}

double LabelOf(const Labels& labels, size_t r, bool regression) {
  return regression ? labels.rul_hours[r] : labels.failure_within_horizon[r];
}

Result<std::vector<Prediction>> Score(const features::FeatureTable& table, const Labels& labels,
                                      const std::vector<size_t>& idx, const std::string& model,
                                      bool regression) {
  const std::vector<double> rows = Gather(table, idx);
  EL_ASSIGN_OR_RETURN(std::vector<double> scores,
                      PredictXgboost(model, rows.data(), idx.size(), table.cols()));
  std::vector<Prediction> out;
  out.reserve(idx.size());
  for (size_t i = 0; i < idx.size(); ++i) {
    const size_t r = idx[i];
    out.push_back(
        {table.asset[r], table.window_end_ms[r], scores[i], LabelOf(labels, r, regression)});
  }
  return out;
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

Status CheckTrainable(const Dataset& d, const features::FeatureTable& table, bool regression) {
  const std::string counts = " (" + std::to_string(table.rows()) + " rows, " +
                             std::to_string(d.labels.CountExcluded()) + " excluded)";
  if (d.train.empty()) {
    return FailedPrecondition("no training rows left after labelling and splitting" + counts);
  }
  if (d.test.empty()) {
    return FailedPrecondition("no test rows left after labelling and splitting" + counts);
  }
  if (regression) return Status::Ok();
  size_t positives = 0;
  for (size_t r : d.train) positives += d.labels.failure_within_horizon[r];
  if (positives == 0 || positives == d.train.size()) {
    return FailedPrecondition("the " + std::to_string(d.train.size()) + " training rows hold " +
                              std::to_string(positives) +
                              " failure windows: a classifier needs both failure and normal "
                              "windows (record failures, lengthen the horizon or the history)");
  }
  return Status::Ok();
}

}  // namespace

Status EvaluatePredictions(const std::vector<Prediction>& test,
                           const std::vector<io::Event>& events, const TrainConfig& config,
                           EvaluationReport* report) {
  std::vector<double> scores, truth;
  std::vector<uint8_t> binary;
  for (const Prediction& p : test) {
    scores.push_back(p.score);
    truth.push_back(p.label);
    binary.push_back(p.label > 0.5 ? 1 : 0);
  }
  if (config.task == Task::kRulRegression) {
    EL_ASSIGN_OR_RETURN(report->regression, EvaluateRegression(scores, truth));
    return Status::Ok();
  }
  EL_ASSIGN_OR_RETURN(ClassificationMetrics m,
                      EvaluateClassification(scores, binary, report->threshold));
  report->pr_auc = m.pr_auc;
  report->roc_auc = m.roc_auc;
  report->confusion = m.confusion;
  report->precision = m.confusion.Precision();
  report->recall = m.confusion.Recall();
  report->f1 = m.confusion.F1();
  for (uint8_t b : binary) report->test_positives += b;
  EL_ASSIGN_OR_RETURN(
      report->maintenance,
      EvaluateMaintenance(test, events, report->threshold, config.labels.horizon_ms, config.alert));
  return Status::Ok();
}

Result<TrainResult> Train(const features::FeatureTable& table, const std::vector<io::Event>& events,
                          const TrainConfig& config) {
  EL_RETURN_IF_ERROR(ValidateTrainConfig(config));
  EL_RETURN_IF_ERROR(ValidateFeatureTable(table));
  if (table.cols() == 0) return InvalidArgument("feature table has no feature columns");
  const bool regression = config.task == Task::kRulRegression;

  DatasetOptions options;
  options.labels = config.labels;
  options.split = config.split;
  // Only a chosen threshold needs validation rows; otherwise they all go to fitting.
  const bool needs_validation = !regression && config.threshold.policy != ThresholdPolicy::kFixed;
  options.validation_fraction = needs_validation ? config.validation_fraction : 0.0;
  options.regression = regression;
  EL_ASSIGN_OR_RETURN(Dataset d, MakeDataset(table, events, options));
  EL_RETURN_IF_ERROR(CheckTrainable(d, table, regression));

  const std::vector<double> train_rows = Gather(table, d.train);
  std::vector<float> train_labels;
  for (size_t r : d.train) {
    train_labels.push_back(static_cast<float>(LabelOf(d.labels, r, regression)));
  }
  EL_ASSIGN_OR_RETURN(TrainedModel model,
                      TrainXgboost(train_rows.data(), d.train.size(), table.cols(), train_labels,
                                   table.columns, config.xgboost));

  TrainResult result;
  result.params = config.xgboost;
  result.params.scale_pos_weight = model.scale_pos_weight;
  result.threshold = std::numeric_limits<double>::quiet_NaN();
  if (!regression) {
    EL_ASSIGN_OR_RETURN(std::vector<Prediction> validation,
                        Score(table, d.labels, d.validation, model.json, false));
    EL_ASSIGN_OR_RETURN(result.threshold_choice,
                        ChooseThreshold(validation, events, config.labels.horizon_ms, config.alert,
                                        config.threshold));
    result.threshold = result.threshold_choice.threshold;
  }
  EL_ASSIGN_OR_RETURN(result.test_predictions,
                      Score(table, d.labels, d.test, model.json, regression));

  EvaluationReport& report = result.report;
  report.task = std::string(TaskName(config.task));
  report.horizon_ms = config.labels.horizon_ms;
  report.split = DescribeSplit(d.outer);
  report.rows_total = table.rows();
  report.rows_excluded = d.labels.CountExcluded();
  report.train_rows = d.train.size();
  report.validation_rows = d.validation.size();
  report.test_rows = d.test.size();
  std::set<std::string> test_assets;
  for (size_t r : d.test) test_assets.insert(table.asset[r]);
  report.test_assets = test_assets.size();
  report.threshold = result.threshold;
  report.threshold_policy = std::string(ThresholdPolicyName(result.threshold_choice.policy));
  report.threshold_reason = result.threshold_choice.reason;
  report.alert = config.alert;
  EL_RETURN_IF_ERROR(EvaluatePredictions(result.test_predictions, events, config, &report));

  result.model_json = std::move(model.json);
  result.model_digest = std::move(model.digest);
  result.feature_names = table.columns;
  result.dataset_digest = d.digest;
  result.xgboost_version = XgboostVersion();
  return result;
}

}  // namespace edgeloop::training
