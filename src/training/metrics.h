// Metrics over scored rows: classification (ranking and at a threshold) and regression.
//
// Ranking metrics follow scikit-learn: AveragePrecision is average_precision_score (the step
// sum of precision over recall increments, one step per distinct score) and RocAuc is
// roc_auc_score (trapezoids over distinct scores, so tied scores count half). Both are NaN when
// undefined (no positives; for RocAuc also no negatives). A row is predicted positive when its
// score is at or above the threshold; precision, recall and F1 are 0 when their denominator is 0
// (scikit-learn's zero_division=0).
// Regression: RMSE, MAE and the NASA score of the C-MAPSS challenge, sum over rows of
// exp(-d/13) - 1 if d < 0 else exp(d/10) - 1 with d = predicted - true (late predictions cost
// more than early ones).
// Errors: InvalidArgument when the vectors differ in length or a score, label or value is not
// finite (or a label is not 0/1), naming the row. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/status.h"

namespace edgeloop::training {

struct Confusion {
  size_t tp = 0, fp = 0, tn = 0, fn = 0;
  double Precision() const;
  double Recall() const;
  double F1() const;
};

struct ClassificationMetrics {
  double pr_auc = 0;  // average precision
  double roc_auc = 0;
  double threshold = 0;
  Confusion confusion;
};

struct RegressionMetrics {
  double rmse = 0;
  double mae = 0;
  double nasa_score = 0;
};

Result<double> AveragePrecision(const std::vector<double>& scores,
                                const std::vector<uint8_t>& labels);
Result<double> RocAuc(const std::vector<double>& scores, const std::vector<uint8_t>& labels);
Result<Confusion> ConfusionAt(const std::vector<double>& scores, const std::vector<uint8_t>& labels,
                              double threshold);
Result<ClassificationMetrics> EvaluateClassification(const std::vector<double>& scores,
                                                     const std::vector<uint8_t>& labels,
                                                     double threshold);

Result<RegressionMetrics> EvaluateRegression(const std::vector<double>& predicted,
                                             const std::vector<double>& truth);

// One row's contribution to the NASA score.
double NasaPenalty(double predicted, double truth);

}  // namespace edgeloop::training
