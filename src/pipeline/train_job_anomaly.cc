#include "pipeline/train_job_anomaly.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "base/strings.h"
#include "base/time_format.h"
#include "drift/reference_histogram.h"
#include "training/anomaly_threshold.h"
#include "training/report.h"

namespace edgeloop::pipeline {
namespace {

using nlohmann::json;

constexpr int kReferenceBins = 10;  // as for the tree ensemble's reference

json Num(double v) { return std::isfinite(v) ? json(v) : json(); }

std::string Fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

double Quantile(const std::vector<double>& scores, double q) {
  Result<double> v = training::ScoreQuantile(scores, q);
  return v.ok() ? *v : std::nan("");
}

json HistogramJson(const drift::ReferenceHistogram& h) {
  return {{"feature", h.feature}, {"edges", h.edges}, {"counts", h.counts},
          {"missing", h.missing}};
}

json ThresholdJson(const training::AnomalyThresholdConfig& t) {
  json j = {{"rule", std::string(training::AnomalyThresholdRuleName(t.rule))},
            {"factor", t.factor}};
  if (t.rule == training::AnomalyThresholdRule::kQuantile) {
    j["quantile"] = t.quantile;
  } else {
    j["false_alarm_rate"] = t.false_alarm_rate;
  }
  return j;
}

std::string Hours(int64_t ms) {
  return FormatDouble(static_cast<double>(ms) / static_cast<double>(kMillisPerHour)) + " h";
}

}  // namespace

json AnomalyParamsJson(const TrainJobConfig& config, const training::AnomalyTrainResult& trained) {
  const training::AnomalyModelConfig& m = *config.anomaly;
  json model = {{"name", config.model_name},
                {"alias", config.alias},
                {"kind", std::string(training::AnomalyKindName(m.kind))}};
  if (m.kind == training::AnomalyKind::kPca) {
    model["pca"] = {{"components", m.pca.components},
                    {"explained_variance", m.pca.explained_variance},
                    {"limit_quantile", m.pca.limit_quantile}};
  } else {
    model["isolation_forest"] = {{"trees", m.isolation_forest.trees},
                                 {"sample_size", m.isolation_forest.sample_size},
                                 {"seed", m.isolation_forest.seed}};
  }
  const training::TrainConfig& t = config.training;
  json params;
  params["model"] = std::move(model);
  json threshold = ThresholdJson(m.threshold);
  threshold["value"] = trained.threshold;
  threshold["reason"] = trained.threshold_reason;
  params["threshold"] = std::move(threshold);
  params["fit_rows"] = std::string(training::AnomalyFitRowsName(trained.fit_rows_rule));
  params["split"] = {{"by", std::string(training::SplitByName(t.split.by))},
                     {"test_fraction", t.split.test_fraction},
                     {"seed", t.split.seed}};
  params["alert"] = {{"k", t.alert.k},
                     {"n", t.alert.n},
                     {"cooldown", FormatDuration(t.alert.cooldown_ms)}};
  return params;
}

json AnomalyMetricsJson(const TrainJobConfig& config, const training::AnomalyTrainResult& trained) {
  json metrics = trained.evaluated ? training::ToJson(trained.report) : json::object();
  metrics["model_kind"] = std::string(training::AnomalyKindName(trained.kind));
  metrics["evaluated"] = trained.evaluated;
  metrics["threshold"] = trained.threshold;
  metrics["threshold_policy"] =
      std::string(training::AnomalyThresholdRuleName(config.anomaly->threshold.rule));
  metrics["threshold_reason"] = trained.threshold_reason;
  metrics["fit_rows"] = trained.fit_rows.size();
  metrics["fit_on"] = std::string(training::AnomalyFitRowsName(trained.fit_rows_rule));
  const std::vector<double>& s = trained.fit_scores;
  metrics["training_score_quantiles"] = {
      {"min", Num(Quantile(s, 0))},      {"p50", Num(Quantile(s, 0.5))},
      {"p90", Num(Quantile(s, 0.9))},    {"p99", Num(Quantile(s, 0.99))},
      {"p999", Num(Quantile(s, 0.999))}, {"max", Num(Quantile(s, 1))}};
  if (trained.kind == training::AnomalyKind::kPca) {
    metrics["pca"] = {{"components", trained.components},
                      {"explained_variance", Num(trained.explained_variance)}};
  }
  const training::AlertPolicy& alert = config.training.alert;
  metrics["alert"] = {{"k", alert.k},
                      {"n", alert.n},
                      {"cooldown_hours", static_cast<double>(alert.cooldown_ms) /
                                             static_cast<double>(kMillisPerHour)}};
  return metrics;
}

json AnomalyReferenceJson(const features::FeatureTable& table,
                          const training::AnomalyTrainResult& trained) {
  const std::vector<size_t>& rows = trained.fit_rows;
  json histograms = json::array();
  std::vector<double> values(rows.size());
  for (size_t c = 0; c < table.cols(); ++c) {
    for (size_t i = 0; i < rows.size(); ++i) values[i] = table.at(rows[i], c);
    histograms.push_back(
        HistogramJson(drift::BuildReferenceHistogram(table.columns[c], values, kReferenceBins)));
  }
  return json{{"rows", rows.size()},
              {"rows_rule", std::string(training::AnomalyFitRowsName(trained.fit_rows_rule))},
              {"histograms", std::move(histograms)},
              {"score", HistogramJson(drift::BuildReferenceHistogram(
                            "score", trained.fit_scores, kReferenceBins))}};
}

std::string RenderAnomalyReport(const TrainJobConfig& config,
                                const training::AnomalyTrainResult& trained) {
  const std::string kind(training::AnomalyKindName(trained.kind));
  const std::string title = "Anomaly model (" + kind + ")";
  std::string out = title + "\n" + std::string(title.size(), '=') + "\n\n";
  const std::string fitted = std::to_string(trained.fit_rows.size());
  if (trained.fit_rows_rule == training::AnomalyFitRows::kHealthyTrainingRows) {
    out += "Fitted on the " + fitted + " healthy training windows (no failure within " +
           Hours(config.training.labels.horizon_ms) + " after them)";
  } else {
    out += "No failure is on record, so the model was fitted on all " + fitted + " windows";
  }
  if (trained.kind == training::AnomalyKind::kPca) {
    out += "; " + std::to_string(trained.components) + " principal components explain " +
           Fixed(100 * trained.explained_variance, 0) + " % of their variance";
  }
  const std::vector<double>& s = trained.fit_scores;
  out += ".\nTheir scores: median " + Fixed(Quantile(s, 0.5), 3) + ", 99th percentile " +
         Fixed(Quantile(s, 0.99), 3) + ", highest " + Fixed(Quantile(s, 1), 3) + ".\n";
  if (!trained.evaluated) {
    out += "A window warns when its score is at least " + Fixed(trained.threshold, 3) + ", " +
           trained.threshold_reason + ".\n\n";
    out += "Without failures there is nothing to test the warnings against; record failures "
           "(events) to measure caught failures and false alarms.\n";
    return out;
  }
  // The evaluation report states the threshold and why.
  return out + "\n" + training::RenderReport(trained.report);
}

}  // namespace edgeloop::pipeline
