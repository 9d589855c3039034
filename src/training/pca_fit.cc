#include "training/pca_fit.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "training/anomaly_threshold.h"
#include "training/internal/column_stats.h"
#include "training/internal/symmetric_eigen.h"

namespace edgeloop::training {
namespace {

Status CheckOptions(const PcaFitOptions& o) {
  if (o.components < 0) return InvalidArgument("pca fit: components must be >= 0");
  if (o.components == 0 && !(o.explained_variance > 0 && o.explained_variance <= 1)) {
    return InvalidArgument("pca fit: explained_variance must be in (0, 1]");
  }
  if (!(o.limit_quantile > 0 && o.limit_quantile <= 1)) {
    return InvalidArgument("pca fit: limit_quantile must be in (0, 1]");
  }
  return Status::Ok();
}

}  // namespace

Result<PcaFitResult> FitPca(const std::vector<std::string>& feature_names,
                            const std::vector<double>& rows, const PcaFitOptions& options) {
  EL_RETURN_IF_ERROR(CheckOptions(options));
  const size_t d = feature_names.size();
  if (d == 0) return InvalidArgument("pca fit: no feature columns");
  if (rows.size() % d != 0) {
    return InvalidArgument("pca fit: " + std::to_string(rows.size()) +
                           " values do not make whole rows of " + std::to_string(d));
  }
  const size_t n = rows.size() / d;
  if (n < 3) return InvalidArgument("pca fit: needs at least 3 rows, got " + std::to_string(n));

  const internal::ColumnStats stats = internal::ComputeColumnStats(rows, d);
  const std::vector<double> z = internal::Standardise(rows, stats);
  // Covariance of the standardised rows (their means are 0 up to rounding; subtract anyway).
  std::vector<double> mean(d, 0.0);
  for (size_t r = 0; r < n; ++r) {
    for (size_t c = 0; c < d; ++c) mean[c] += z[r * d + c];
  }
  for (double& m : mean) m /= static_cast<double>(n);
  std::vector<double> cov(d * d, 0.0);
  for (size_t r = 0; r < n; ++r) {
    const double* zr = &z[r * d];
    for (size_t a = 0; a < d; ++a) {
      const double da = zr[a] - mean[a];
      for (size_t b = a; b < d; ++b) cov[a * d + b] += da * (zr[b] - mean[b]);
    }
  }
  for (size_t a = 0; a < d; ++a) {
    for (size_t b = a; b < d; ++b) {
      cov[a * d + b] /= static_cast<double>(n - 1);
      cov[b * d + a] = cov[a * d + b];
    }
  }
  std::vector<double> values;
  std::vector<double> vectors;
  internal::SymmetricEigen(cov, d, &values, &vectors);
  double total = 0;
  for (double v : values) total += std::max(v, 0.0);
  if (total <= 0) return InvalidArgument("pca fit: every column is constant over the training rows");

  size_t usable = 0;
  while (usable < d && values[usable] > 1e-10 * total) ++usable;
  size_t k = 0;
  if (options.components > 0) {
    k = std::min<size_t>(static_cast<size_t>(options.components), usable);
  } else {
    double cumulative = 0;
    while (k < usable) {
      cumulative += values[k];
      ++k;
      if (cumulative >= options.explained_variance * total * (1 - 1e-12)) break;
    }
  }
  k = std::max<size_t>(k, 1);

  PcaFitResult result;
  models::PcaModel& model = result.model;
  model.feature_names = feature_names;
  model.means = stats.means;
  model.scales = stats.scales;
  double kept = 0;
  for (size_t j = 0; j < k; ++j) {
    model.components.emplace_back(vectors.begin() + static_cast<long>(j * d),
                                  vectors.begin() + static_cast<long>((j + 1) * d));
    model.variances.push_back(values[j]);
    kept += values[j];
  }
  result.explained = kept / total;

  // Limits from the training rows' own statistics, through a unit-limit scorer.
  EL_ASSIGN_OR_RETURN(std::unique_ptr<models::PcaScorer> unit, models::PcaScorer::Create(model));
  std::vector<double> t2(n), q(n);
  for (size_t r = 0; r < n; ++r) unit->Statistics(&rows[r * d], &t2[r], &q[r]);
  EL_ASSIGN_OR_RETURN(double t2_limit, ScoreQuantile(t2, options.limit_quantile));
  EL_ASSIGN_OR_RETURN(double q_limit, ScoreQuantile(q, options.limit_quantile));
  // A statistic that is identically zero in training (e.g. Q with every component kept) gets a
  // tiny limit instead of zero, so any departure shows.
  model.t2_limit = std::max(t2_limit, 1e-9);
  model.q_limit = std::max(q_limit, 1e-9);
  EL_ASSIGN_OR_RETURN(std::unique_ptr<models::PcaScorer> scorer, models::PcaScorer::Create(model));
  result.training_scores.resize(n);
  scorer->ScoreBatch(rows.data(), n, result.training_scores.data());
  return result;
}

}  // namespace edgeloop::training
