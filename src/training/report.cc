#include "training/report.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "base/time_format.h"

namespace edgeloop::training {
namespace {

nlohmann::json Num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

std::string Fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

// 12345 -> "12,345".
std::string Count(size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Percent(double share) {
  return std::isfinite(share) ? Fixed(100 * share, 0) + " %" : "n/a";
}

std::string Hours(double h) { return std::isfinite(h) ? Fixed(h, h < 10 ? 1 : 0) + " h" : "n/a"; }

std::string HorizonText(int64_t ms) {
  return Hours(static_cast<double>(ms) / static_cast<double>(kMillisPerHour));
}

std::string Table(const std::vector<std::pair<std::string, std::string>>& rows) {
  size_t width = 6;
  for (const auto& [name, value] : rows) width = std::max(width, name.size());
  std::string out = "  " + std::string("metric") + std::string(width - 6 + 2, ' ') + "value\n";
  out += "  " + std::string(width, '-') + "  " + std::string(12, '-') + "\n";
  for (const auto& [name, value] : rows) {
    out += "  " + name + std::string(width - name.size() + 2, ' ') + value + "\n";
  }
  return out;
}

std::string Headline(const EvaluationReport& r) {
  const MaintenanceMetrics& m = r.maintenance;
  const std::string fa =
      Fixed(m.false_alarms_per_1000_asset_days, 1) + " false alarms per 1,000 pump-days.";
  if (m.failures == 0) {
    return "No failure happened in the test period, so caught failures cannot be counted; " + fa;
  }
  std::string s = "Caught " + Count(m.caught) + " of " + Count(m.failures) + " failures (" +
                  Percent(m.event_recall) + ")";
  if (m.caught > 0) {
    s += " with a median warning of " + Hours(m.median_lead_time_hours) + " before failure";
  }
  return s + "; " + fa;
}

std::string RenderClassification(const EvaluationReport& r) {
  std::string out = Headline(r) + "\n\n";
  out += "Tested on " + Count(r.test_rows) + " windows of " + Count(r.test_assets) + " pumps (" +
         Count(r.test_positives) + " of them within " + HorizonText(r.horizon_ms) +
         " before a failure), kept apart from the " + Count(r.train_rows) +
         " training windows by " + r.split + ".\n";
  out += "A window warns when its score is at least " + Fixed(r.threshold, 3) + ", " +
         r.threshold_reason;
  if (r.validation_rows > 0) out += " on " + Count(r.validation_rows) + " validation windows";
  out += ".\n";
  out += "An alert needs " + std::to_string(r.alert.k) + " of the last " +
         std::to_string(r.alert.n) + " windows over the threshold";
  if (r.alert.cooldown_ms > 0) {
    out += "; one that clears and returns within " +
           Hours(static_cast<double>(r.alert.cooldown_ms) / kMillisPerHour) +
           " counts as the same alert";
  }
  out += ". " + Count(r.maintenance.alerts) + " alerts were raised, " +
         Count(r.maintenance.false_alarms) + " of them false, over " +
         Fixed(r.maintenance.observed_asset_days, 1) + " pump-days.\n\n";
  out += Table({
      {"failures caught (event recall)", Count(r.maintenance.caught) + " of " +
                                             Count(r.maintenance.failures) + " (" +
                                             Percent(r.maintenance.event_recall) + ")"},
      {"median warning before failure", Hours(r.maintenance.median_lead_time_hours)},
      {"false alarms per 1,000 pump-days",
       Fixed(r.maintenance.false_alarms_per_1000_asset_days, 1)},
      {"precision (warning windows right)", Fixed(r.precision, 3)},
      {"recall (pre-failure windows warned)", Fixed(r.recall, 3)},
      {"F1", Fixed(r.f1, 3)},
      {"PR-AUC (average precision)", Fixed(r.pr_auc, 3)},
      {"ROC-AUC", Fixed(r.roc_auc, 3)},
      {"threshold", Fixed(r.threshold, 3) + " (" + r.threshold_policy + ")"},
  });
  return out;
}

std::string RenderRegression(const EvaluationReport& r) {
  const RegressionMetrics& g = r.regression;
  std::string out = "Predicted remaining useful life was off by " + Hours(g.mae) +
                    " on average (typical error " + Hours(g.rmse) + ") over " + Count(r.test_rows) +
                    " windows of " + Count(r.test_assets) + " pumps.\n\n";
  out += "Trained on " + Count(r.train_rows) + " windows, kept apart from the test windows by " +
         r.split +
         ". Windows with no later failure on record are left out, since their true "
         "remaining life is unknown.\n";
  out +=
      "The NASA score weighs predictions that leave too much life (late warnings) more than "
      "early ones; lower is better.\n\n";
  out += Table({
      {"MAE (mean absolute error)", Hours(g.mae)},
      {"RMSE (root mean squared error)", Hours(g.rmse)},
      {"NASA score", Fixed(g.nasa_score, 1)},
  });
  return out;
}

}  // namespace

nlohmann::json ToJson(const EvaluationReport& r) {
  nlohmann::json j;
  j["task"] = r.task;
  j["horizon_hours"] = static_cast<double>(r.horizon_ms) / static_cast<double>(kMillisPerHour);
  j["split"] = r.split;
  j["rows_total"] = r.rows_total;
  j["rows_excluded"] = r.rows_excluded;
  j["train_rows"] = r.train_rows;
  j["validation_rows"] = r.validation_rows;
  j["test_rows"] = r.test_rows;
  j["test_assets"] = r.test_assets;
  if (r.is_regression()) {
    j["rmse_hours"] = Num(r.regression.rmse);
    j["mae_hours"] = Num(r.regression.mae);
    j["nasa_score"] = Num(r.regression.nasa_score);
    return j;
  }
  const MaintenanceMetrics& m = r.maintenance;
  j["test_positives"] = r.test_positives;
  j["threshold"] = Num(r.threshold);
  j["threshold_policy"] = r.threshold_policy;
  j["threshold_reason"] = r.threshold_reason;
  j["pr_auc"] = Num(r.pr_auc);
  j["roc_auc"] = Num(r.roc_auc);
  j["precision"] = Num(r.precision);
  j["recall"] = Num(r.recall);
  j["f1"] = Num(r.f1);
  j["confusion"] = {{"tp", r.confusion.tp},
                    {"fp", r.confusion.fp},
                    {"tn", r.confusion.tn},
                    {"fn", r.confusion.fn}};
  j["alert"] = {{"k", r.alert.k},
                {"n", r.alert.n},
                {"cooldown_hours",
                 static_cast<double>(r.alert.cooldown_ms) / static_cast<double>(kMillisPerHour)}};
  j["test_failures"] = m.failures;
  j["failures_caught"] = m.caught;
  j["event_recall"] = Num(m.event_recall);
  j["median_lead_time_hours"] = Num(m.median_lead_time_hours);
  nlohmann::json leads = nlohmann::json::array();
  for (double h : m.lead_times_hours) leads.push_back(Num(h));
  j["lead_times_hours"] = std::move(leads);
  j["alerts"] = m.alerts;
  j["false_alarms"] = m.false_alarms;
  j["observed_asset_days"] = Num(m.observed_asset_days);
  j["false_alarms_per_1000_asset_days"] = Num(m.false_alarms_per_1000_asset_days);
  return j;
}

std::string RenderReport(const EvaluationReport& r) {
  const std::string title =
      r.is_regression() ? "Remaining useful life model"
                        : "Failure warning model (horizon " + HorizonText(r.horizon_ms) + ")";
  std::string out = title + "\n" + std::string(title.size(), '=') + "\n\n";
  out += r.is_regression() ? RenderRegression(r) : RenderClassification(r);
  if (r.rows_excluded > 0) {
    out += "\n" + Count(r.rows_excluded) + " of " + Count(r.rows_total) +
           " windows were left out: the pump was down (failure until repair) or the data ends "
           "before their outcome is known.\n";
  }
  return out;
}

}  // namespace edgeloop::training
