#include "training/skab_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>

namespace edgeloop::training {
namespace {

struct NabProfile {
  double a_tp;
  double a_fp;
  double a_fn;
};

// Standard, low FP, low FN: SKAB's table of coefficients.
constexpr NabProfile kProfiles[3] = {{1.0, -0.11, -1.0}, {1.0, -0.22, -1.0}, {1.0, -0.11, -2.0}};

// SKAB samples its scoring function at this many points over the window.
constexpr int kDetalization = 1000;

// The rows of one series that carry a prediction, with their labels.
struct PredictedRows {
  std::vector<int64_t> time_ms;
  std::vector<int> anomaly;
  std::vector<int> changepoint;
  std::vector<int> prediction;
};

PredictedRows DropMissing(const SkabSeries& s) {
  PredictedRows out;
  for (size_t i = 0; i < s.prediction.size(); ++i) {
    if (std::isnan(s.prediction[i])) continue;
    out.time_ms.push_back(i < s.time_ms.size() ? s.time_ms[i] : static_cast<int64_t>(i) * 1000);
    out.anomaly.push_back(i < s.anomaly.size() ? s.anomaly[i] : 0);
    out.changepoint.push_back(i < s.changepoint.size() ? s.changepoint[i] : 0);
    out.prediction.push_back(s.prediction[i] == 1.0 ? 1 : 0);
  }
  return out;
}

// The score of a detection at `t` in window [begin, end]: SKAB's "improved" scale, a tanh from
// A_tp at the window start down to A_fp at its end, sampled at kDetalization points.
double ScaledScore(int64_t begin, int64_t t, int64_t end, const NabProfile& p) {
  int event = 0;
  if (end > begin) {
    event = static_cast<int>(static_cast<double>(t - begin) / static_cast<double>(end - begin) *
                             kDetalization);
  }
  event = std::clamp(event, 0, kDetalization - 1);
  const double half_pi = std::numbers::pi / 2;
  const double step = std::numbers::pi / (kDetalization - 1);
  const double x = event == kDetalization - 1 ? half_pi : -half_pi + event * step;
  const double span = (p.a_tp - p.a_fp) / 2;
  return span * -1 * std::tanh(x) / std::tanh(half_pi) + span + p.a_fp;
}

struct Window {
  int64_t begin;
  int64_t end;
};

// Windows to the right of each true changepoint; an overlapping window is cut on its left.
std::vector<Window> ScoringWindows(const PredictedRows& rows, int64_t window_ms) {
  std::vector<Window> windows;
  for (size_t i = 0; i < rows.changepoint.size(); ++i) {
    if (rows.changepoint[i] == 1) windows.push_back({rows.time_ms[i], rows.time_ms[i] + window_ms});
  }
  for (size_t i = 0; i + 1 < windows.size(); ++i) {
    if (windows[i].end >= windows[i + 1].begin) windows[i + 1].begin = windows[i].end;
  }
  return windows;
}

// Per window, the time of the first predicted changepoint inside it (or -1), and the predicted
// changepoints outside all windows.
struct CpMatch {
  std::vector<int64_t> first_detection;
  std::vector<bool> detected;
  int false_positives = 0;
};

CpMatch MatchChangepoints(const std::vector<Window>& windows, const std::vector<int64_t>& times) {
  CpMatch match;
  match.first_detection.assign(windows.size(), 0);
  match.detected.assign(windows.size(), false);
  if (windows.empty()) {
    match.false_positives = static_cast<int>(times.size());
    return match;
  }
  for (int64_t t : times) {
    if (t < windows.front().begin || t > windows.back().end) {
      ++match.false_positives;
      continue;
    }
    for (size_t i = 0; i + 1 < windows.size(); ++i) {
      if (t > windows[i].end && t < windows[i + 1].begin) ++match.false_positives;
    }
  }
  for (size_t i = 0; i < windows.size(); ++i) {
    for (int64_t t : times) {  // times are sorted: the first hit is the earliest
      if (t >= windows[i].begin && t <= windows[i].end) {
        match.first_detection[i] = t;
        match.detected[i] = true;
        break;
      }
    }
  }
  return match;
}

}  // namespace

std::vector<int> PredictedChangepoints(const std::vector<int>& prediction) {
  std::vector<int> cps(prediction.size(), 0);
  if (prediction.empty()) return cps;
  cps[0] = prediction[0];
  for (size_t i = 1; i < prediction.size(); ++i) cps[i] = std::abs(prediction[i] - prediction[i - 1]);
  return cps;
}

SkabOutlierMetrics ScoreSkabOutliers(const std::vector<SkabSeries>& series) {
  SkabOutlierMetrics m;
  for (const SkabSeries& s : series) {
    const PredictedRows rows = DropMissing(s);
    for (size_t i = 0; i < rows.prediction.size(); ++i) {
      const bool truth = rows.anomaly[i] == 1;
      const bool predicted = rows.prediction[i] == 1;
      if (truth && predicted) ++m.tp;
      if (!truth && !predicted) ++m.tn;
      if (!truth && predicted) ++m.fp;
      if (truth && !predicted) ++m.fn;
    }
  }
  const double tp = static_cast<double>(m.tp), tn = static_cast<double>(m.tn);
  const double fp = static_cast<double>(m.fp), fn = static_cast<double>(m.fn);
  if (tp + (fp + fn) / 2 > 0) m.f1 = tp / (tp + (fp + fn) / 2);
  if (fp + tn > 0) m.far_pct = fp / (fp + tn) * 100;
  if (fn + tp > 0) m.mar_pct = fn / (fn + tp) * 100;
  return m;
}

SkabNabScores ScoreSkabNab(const std::vector<SkabSeries>& series, int64_t window_ms) {
  SkabNabScores out;
  double score[3] = {0, 0, 0}, null_score[3] = {0, 0, 0}, perfect[3] = {0, 0, 0};
  for (const SkabSeries& s : series) {
    const PredictedRows rows = DropMissing(s);
    const std::vector<Window> windows = ScoringWindows(rows, window_ms);
    const std::vector<int> cps = PredictedChangepoints(rows.prediction);
    std::vector<int64_t> cp_times;
    for (size_t i = 0; i < cps.size(); ++i) {
      if (cps[i] == 1) cp_times.push_back(rows.time_ms[i]);
    }
    const CpMatch match = MatchChangepoints(windows, cp_times);
    int missed = 0;
    for (bool d : match.detected) missed += d ? 0 : 1;
    out.missed_cps += missed;
    out.fp_cps += match.false_positives;
    out.true_cps += static_cast<int>(windows.size());
    for (int p = 0; p < 3; ++p) {
      const NabProfile& profile = kProfiles[p];
      score[p] += profile.a_fp * match.false_positives + profile.a_fn * missed;
      for (size_t w = 0; w < windows.size(); ++w) {
        if (!match.detected[w]) continue;
        score[p] += ScaledScore(windows[w].begin, match.first_detection[w], windows[w].end, profile);
      }
      null_score[p] += static_cast<double>(windows.size()) * profile.a_fn;
      perfect[p] += static_cast<double>(windows.size()) * profile.a_tp;
    }
  }
  double* results[3] = {&out.standard, &out.low_fp, &out.low_fn};
  for (int p = 0; p < 3; ++p) {
    if (perfect[p] - null_score[p] != 0) {
      *results[p] = 100 * (score[p] - null_score[p]) / (perfect[p] - null_score[p]);
    }
  }
  return out;
}

}  // namespace edgeloop::training
