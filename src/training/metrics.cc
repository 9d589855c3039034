#include "training/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "base/strings.h"

namespace edgeloop::training {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Status CheckBinary(const std::vector<double>& scores, const std::vector<uint8_t>& labels) {
  if (scores.size() != labels.size()) {
    return InvalidArgument(std::to_string(scores.size()) + " scores for " +
                           std::to_string(labels.size()) + " labels");
  }
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i])) {
      return InvalidArgument("row " + std::to_string(i) + ": score " + FormatDouble(scores[i]) +
                             " is not a finite number");
    }
    if (labels[i] > 1) {
      return InvalidArgument("row " + std::to_string(i) + ": label " + std::to_string(labels[i]) +
                             " is not 0 or 1");
    }
  }
  return Status::Ok();
}

// Cumulative true and false positives at each distinct score, highest score first: the points
// of scikit-learn's _binary_clf_curve.
struct CurvePoints {
  std::vector<double> tps, fps;
};

CurvePoints BinaryCurve(const std::vector<double>& scores, const std::vector<uint8_t>& labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  CurvePoints c;
  double tp = 0, fp = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    (labels[order[k]] ? tp : fp) += 1;
    const bool last_of_score = k + 1 == order.size() || scores[order[k + 1]] != scores[order[k]];
    if (last_of_score) {
      c.tps.push_back(tp);
      c.fps.push_back(fp);
    }
  }
  return c;
}

double Ratio(double num, double den) { return den > 0 ? num / den : 0.0; }

}  // namespace

double Confusion::Precision() const {
  return Ratio(static_cast<double>(tp), static_cast<double>(tp + fp));
}
double Confusion::Recall() const {
  return Ratio(static_cast<double>(tp), static_cast<double>(tp + fn));
}
double Confusion::F1() const {
  const double p = Precision(), r = Recall();
  return Ratio(2 * p * r, p + r);
}

Result<double> AveragePrecision(const std::vector<double>& scores,
                                const std::vector<uint8_t>& labels) {
  EL_RETURN_IF_ERROR(CheckBinary(scores, labels));
  CurvePoints c = BinaryCurve(scores, labels);
  if (c.tps.empty() || c.tps.back() == 0) return kNaN;
  const double positives = c.tps.back();
  double ap = 0, prev_recall = 0;
  for (size_t k = 0; k < c.tps.size(); ++k) {
    const double recall = c.tps[k] / positives;
    const double precision = c.tps[k] / (c.tps[k] + c.fps[k]);
    ap += (recall - prev_recall) * precision;
    prev_recall = recall;
  }
  return ap;
}

Result<double> RocAuc(const std::vector<double>& scores, const std::vector<uint8_t>& labels) {
  EL_RETURN_IF_ERROR(CheckBinary(scores, labels));
  CurvePoints c = BinaryCurve(scores, labels);
  if (c.tps.empty() || c.tps.back() == 0 || c.fps.back() == 0) return kNaN;
  const double p = c.tps.back(), n = c.fps.back();
  double area = 0, prev_tpr = 0, prev_fpr = 0;
  for (size_t k = 0; k < c.tps.size(); ++k) {
    const double tpr = c.tps[k] / p, fpr = c.fps[k] / n;
    area += (fpr - prev_fpr) * (tpr + prev_tpr) / 2;
    prev_tpr = tpr;
    prev_fpr = fpr;
  }
  return area;
}

Result<Confusion> ConfusionAt(const std::vector<double>& scores, const std::vector<uint8_t>& labels,
                              double threshold) {
  EL_RETURN_IF_ERROR(CheckBinary(scores, labels));
  Confusion c;
  for (size_t i = 0; i < scores.size(); ++i) {
    const bool predicted = scores[i] >= threshold;
    if (labels[i]) {
      ++(predicted ? c.tp : c.fn);
    } else {
      ++(predicted ? c.fp : c.tn);
    }
  }
  return c;
}

Result<ClassificationMetrics> EvaluateClassification(const std::vector<double>& scores,
                                                     const std::vector<uint8_t>& labels,
                                                     double threshold) {
  ClassificationMetrics m;
  m.threshold = threshold;
  EL_ASSIGN_OR_RETURN(m.pr_auc, AveragePrecision(scores, labels));
  EL_ASSIGN_OR_RETURN(m.roc_auc, RocAuc(scores, labels));
  EL_ASSIGN_OR_RETURN(m.confusion, ConfusionAt(scores, labels, threshold));
  return m;
}

double NasaPenalty(double predicted, double truth) {
  const double d = predicted - truth;
  return d < 0 ? std::exp(-d / 13.0) - 1.0 : std::exp(d / 10.0) - 1.0;
}

Result<RegressionMetrics> EvaluateRegression(const std::vector<double>& predicted,
                                             const std::vector<double>& truth) {
  if (predicted.size() != truth.size()) {
    return InvalidArgument(std::to_string(predicted.size()) + " predictions for " +
                           std::to_string(truth.size()) + " true values");
  }
  RegressionMetrics m;
  if (predicted.empty()) {
    m.rmse = m.mae = kNaN;
    return m;
  }
  double sq = 0, abs = 0;
  for (size_t i = 0; i < predicted.size(); ++i) {
    if (!std::isfinite(predicted[i]) || !std::isfinite(truth[i])) {
      return InvalidArgument("row " + std::to_string(i) + ": predicted " +
                             FormatDouble(predicted[i]) + ", true " + FormatDouble(truth[i]) +
                             ": expected finite numbers");
    }
    const double d = predicted[i] - truth[i];
    sq += d * d;
    abs += std::fabs(d);
    m.nasa_score += NasaPenalty(predicted[i], truth[i]);
  }
  const double n = static_cast<double>(predicted.size());
  m.rmse = std::sqrt(sq / n);
  m.mae = abs / n;
  return m;
}

}  // namespace edgeloop::training
