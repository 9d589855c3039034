// IsolationForestScorer: an isolation forest (Liu, Ting & Zhou, 2008) compiled for the edge.
//
// A row is standardised with the training means and scales (a missing or infinite value is
// imputed with the training mean, z = 0, so scoring never fails and never gives NaN) and walked
// down every isolation tree: at an inner node it goes left when z[feature] < threshold. The path
// length of a row in a tree is the depth of the leaf it reaches plus c(leaf size), the expected
// depth of an unbuilt subtree over that many training points. The score is the standard
//   s = 2^(-E[h] / c(sample_size)),  c(n) = 2 H(n-1) - 2 (n-1) / n,  H(i) = ln(i) + 0.5772156649
// in (0, 1]: about 0.5 for ordinary rows, towards 1 for anomalies.
//
// Model file (JSON, canonical: sorted keys, no spaces, shortest round-trip numbers):
//   {"format":"edgeloop.isolation_forest","version":1,"feature_names":[...],"means":[...],
//    "scales":[...],"sample_size":256,"trees":[{"feature":[...],"threshold":[...],
//    "left":[...],"right":[...],"size":[...]}, ...]}
// Per node: feature (-1 for a leaf), threshold, left and right child indices (-1 for a leaf),
// and size (training points that reached a leaf; 0 for inner nodes). Node 0 is the root.
//
// Immutable once built: every method is const and thread-safe; Score/ScoreBatch allocate
// nothing. Contributions are not defined for this kind: FailedPrecondition.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/scorer.h"

namespace edgeloop::models {

// One isolation tree as parallel node arrays (see the file comment); a plain value.
struct IsolationTree {
  std::vector<int32_t> feature;
  std::vector<double> threshold;
  std::vector<int32_t> left;
  std::vector<int32_t> right;
  std::vector<int64_t> size;
};

struct IsolationForestModel {
  std::vector<std::string> feature_names;
  std::vector<double> means;
  std::vector<double> scales;
  int64_t sample_size = 256;  // points each tree was grown on (>= 2)
  std::vector<IsolationTree> trees;
};

// c(n): the average path length of an unsuccessful search in a binary search tree of n points.
double AveragePathLength(int64_t n);

class IsolationForestScorer final : public Scorer {
 public:
  static constexpr std::string_view kKind = "isolation_forest";
  static constexpr int kVersion = 1;

  // InvalidArgument naming the field for inconsistent sizes, a non-positive scale, a child index
  // out of range or not after its parent (so every tree is a finite tree), a bad feature index.
  static Result<std::unique_ptr<IsolationForestScorer>> Create(IsolationForestModel model);
  static Result<std::unique_ptr<IsolationForestScorer>> FromJson(std::string_view json);

  std::string ToJson() const;
  const IsolationForestModel& model() const { return model_; }

  size_t num_features() const override { return model_.feature_names.size(); }
  const std::vector<std::string>& feature_names() const override { return model_.feature_names; }
  std::string_view kind() const override { return kKind; }

  double Score(const double* row) const override;
  void ScoreBatch(const double* rows, size_t n_rows, double* out) const override;
  Status Contributions(const double* row, double* out) const override;

  // E[h]: the mean path length of a row over the trees.
  double MeanPathLength(const double* row) const;

 private:
  explicit IsolationForestScorer(IsolationForestModel model);

  IsolationForestModel model_;
  std::vector<double> leaf_depth_bonus_;  // per tree, per node: c(size) for leaves
  double normaliser_ = 1;                 // c(sample_size)
};

}  // namespace edgeloop::models
