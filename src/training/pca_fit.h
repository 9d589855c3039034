// PCA fitting: trains the model PcaScorer (models/pca_scorer.h) scores with, from anomaly-free
// feature rows.
//
// Columns are standardised with their training means and population standard deviations
// (missing values ignored, then imputed as the mean); the covariance of the standardised rows
// is decomposed (cyclic Jacobi, deterministic); the leading components are kept, either a fixed
// count or the fewest that explain `explained_variance` of the total; components whose variance
// is numerically zero are never kept. The T² and Q control limits are the `limit_quantile`
// quantiles of the training rows' own T² and Q, so a score of 1.0 is "as far out as the
// training rows at that quantile". Deterministic: the same rows give the same model bytes.
// Pure function, thread-safe. InvalidArgument for no columns, fewer than 3 rows, a ragged
// table or options out of range.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "models/pca_scorer.h"

namespace edgeloop::training {

struct PcaFitOptions {
  int components = 0;               // > 0: keep exactly this many (capped at the column count)
  double explained_variance = 0.85;  // with components == 0: in (0, 1]
  double limit_quantile = 0.99;      // in (0, 1]
};

struct PcaFitResult {
  models::PcaModel model;
  double explained = 0;                // share of variance the kept components explain
  std::vector<double> training_scores;  // the scorer's score of each training row
};

// `rows` is row-major, rows.size() / feature_names.size() rows.
Result<PcaFitResult> FitPca(const std::vector<std::string>& feature_names,
                            const std::vector<double>& rows, const PcaFitOptions& options);

}  // namespace edgeloop::training
