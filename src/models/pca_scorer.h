// PcaScorer: principal component analysis with Hotelling T² and Q (squared prediction error)
// statistics, for anomaly detection at the edge.
//
// A row x is standardised, z_i = (x_i - mean_i) / scale_i; a missing value (NaN) or an infinite
// one is imputed with the training mean (z_i = 0), so scoring never fails and never gives NaN.
// With the k retained components p_j (orthonormal rows) and their variances l_j:
//   t_j = p_j . z,  T² = sum_j t_j² / l_j,  Q = |z|² - sum_j t_j²  (= |z - P'P z|², clamped >= 0)
// and the score is max(T² / t2_limit, Q / q_limit): 1.0 means "at the control limit" of the
// statistic that is furthest out. The limits are set at training (see training/pca_fit.h).
//
// Model file (JSON, canonical: sorted keys, no spaces, shortest round-trip numbers, so the same
// model always gives the same bytes):
//   {"format":"edgeloop.pca","version":1,"feature_names":[...],"means":[...],"scales":[...],
//    "components":[[...d values...] x k],"variances":[...k...],"t2_limit":x,"q_limit":y}
//
// Immutable once built: every method is const and thread-safe; Score/ScoreBatch allocate
// nothing. Contributions are exact per-feature shares of Q: r_i² / q_limit with r = z - P'P z,
// followed by a bias of 0; they sum to Q / q_limit, the Q part of the score (the margin of this
// kind is that part; T² has no per-feature decomposition here).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/scorer.h"

namespace edgeloop::models {

// The parameters of a PCA model, as trained; a plain value.
struct PcaModel {
  std::vector<std::string> feature_names;
  std::vector<double> means;                    // per feature
  std::vector<double> scales;                   // per feature, > 0
  std::vector<std::vector<double>> components;  // k rows of num_features values, orthonormal
  std::vector<double> variances;                // k eigenvalues, > 0
  double t2_limit = 1;                          // > 0
  double q_limit = 1;                           // > 0
};

class PcaScorer final : public Scorer {
 public:
  static constexpr std::string_view kKind = "pca";
  static constexpr int kVersion = 1;

  // InvalidArgument naming the field for inconsistent sizes, a non-positive scale, variance or
  // limit, or a non-finite number.
  static Result<std::unique_ptr<PcaScorer>> Create(PcaModel model);
  // InvalidArgument naming the field when the bytes are not a version-1 PCA model file.
  static Result<std::unique_ptr<PcaScorer>> FromJson(std::string_view json);

  // Canonical JSON model file (see above).
  std::string ToJson() const;
  const PcaModel& model() const { return model_; }

  size_t num_features() const override { return model_.feature_names.size(); }
  const std::vector<std::string>& feature_names() const override { return model_.feature_names; }
  std::string_view kind() const override { return kKind; }

  double Score(const double* row) const override;
  void ScoreBatch(const double* rows, size_t n_rows, double* out) const override;
  Status Contributions(const double* row, double* out) const override;

  // T² and Q of one row (no allocation).
  void Statistics(const double* row, double* t2, double* q) const;

 private:
  explicit PcaScorer(PcaModel model);

  double Standardised(const double* row, size_t i) const;

  PcaModel model_;
  std::vector<double> flat_components_;  // k x d, row-major
};

}  // namespace edgeloop::models
