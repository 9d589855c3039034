// Metrics of the Skoltech Anomaly Benchmark (SKAB): outlier metrics on pooled binary point
// predictions and the NAB changepoint score, computed exactly as SKAB's own evaluation does.
#pragma once

#include <cstdint>
#include <vector>

namespace edgeloop::training {

// One file's test part: labels and one detector's binary predictions, row by row. A prediction
// that is NaN means the detector made none for that row (e.g. the start of a sliding window);
// such rows are left out of every metric, as SKAB does by dropping them.
struct SkabSeries {
  std::vector<int64_t> time_ms;     // UTC ms, increasing
  std::vector<int> anomaly;         // true anomaly label, 0 or 1
  std::vector<int> changepoint;     // true changepoint label, 0 or 1
  std::vector<double> prediction;   // predicted anomaly, 0 or 1, NaN = none
};

// Pooled point-wise confusion and SKAB's derived rates.
struct SkabOutlierMetrics {
  int64_t tp = 0, tn = 0, fp = 0, fn = 0;
  double f1 = 0;       // TP / (TP + (FP + FN) / 2)
  double far_pct = 0;  // FP / (FP + TN) * 100
  double mar_pct = 0;  // FN / (FN + TP) * 100
};

// NAB scores (0 = null detector, 100 = perfect) for SKAB's three profiles, plus the
// changepoint confusion counts of the same matching.
struct SkabNabScores {
  double standard = 0;  // A_tp = 1, A_fp = -0.11, A_fn = -1
  double low_fp = 0;    // A_fp = -0.22
  double low_fn = 0;    // A_fn = -2
  int missed_cps = 0;   // scoring windows without a predicted changepoint
  int fp_cps = 0;       // predicted changepoints outside every window
  int true_cps = 0;     // scoring windows
};

// SKAB's scoring window: 60 s to the right of each true changepoint.
constexpr int64_t kSkabWindowMs = 60 * 1000;

// Predicted changepoints from binary predictions: |diff(prediction)|, first value prediction[0].
std::vector<int> PredictedChangepoints(const std::vector<int>& prediction);

// Outlier metrics over all rows of all series (rows without a prediction left out). Rates whose
// denominator is zero are 0.
SkabOutlierMetrics ScoreSkabOutliers(const std::vector<SkabSeries>& series);

// NAB score: per series, windows [cp, cp + window_ms] after each true changepoint (an overlapping
// later window starts where the earlier one ends), the first predicted changepoint inside a
// window is a true positive scored by SKAB's scaled sigmoid, every other predicted changepoint
// outside the windows a false positive; sums over series normalised by the null and perfect
// detectors. Returns all zeros when there is no true changepoint.
SkabNabScores ScoreSkabNab(const std::vector<SkabSeries>& series,
                           int64_t window_ms = kSkabWindowMs);

}  // namespace edgeloop::training
