#include "training/isolation_forest_fit.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include "base/random.h"
#include "training/internal/column_stats.h"

namespace edgeloop::training {
namespace {

// Grows one tree over standardised rows `z` (n x d); `index` holds the rows of the node being
// built. Nodes are appended in pre-order, so children always come after their parent.
class TreeGrower {
 public:
  TreeGrower(const std::vector<double>& z, size_t d, int max_depth, Random& random)
      : z_(z), d_(d), max_depth_(max_depth), random_(random) {}

  models::IsolationTree Grow(std::vector<size_t> index) {
    Build(index.data(), index.size(), 0);
    return std::move(tree_);
  }

 private:
  int32_t AddNode() {
    tree_.feature.push_back(-1);
    tree_.threshold.push_back(0.0);
    tree_.left.push_back(-1);
    tree_.right.push_back(-1);
    tree_.size.push_back(0);
    return static_cast<int32_t>(tree_.feature.size() - 1);
  }

  int32_t Build(size_t* rows, size_t n, int depth) {
    const int32_t node = AddNode();
    if (depth >= max_depth_ || n <= 1) {
      tree_.size[static_cast<size_t>(node)] = static_cast<int64_t>(n);
      return node;
    }
    // Features that still vary among this node's rows, with their ranges.
    varying_.clear();
    lo_.assign(d_, 0.0);
    hi_.assign(d_, 0.0);
    for (size_t f = 0; f < d_; ++f) {
      double lo = z_[rows[0] * d_ + f];
      double hi = lo;
      for (size_t i = 1; i < n; ++i) {
        const double v = z_[rows[i] * d_ + f];
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      lo_[f] = lo;
      hi_[f] = hi;
      if (hi > lo) varying_.push_back(f);
    }
    if (varying_.empty()) {
      tree_.size[static_cast<size_t>(node)] = static_cast<int64_t>(n);
      return node;
    }
    const size_t f = varying_[static_cast<size_t>(
        random_.UniformInt(0, static_cast<int64_t>(varying_.size()) - 1))];
    double threshold = random_.Uniform(lo_[f], hi_[f]);
    if (threshold <= lo_[f]) threshold = std::nextafter(lo_[f], hi_[f]);
    size_t* middle = std::stable_partition(
        rows, rows + n, [&](size_t r) { return z_[r * d_ + f] < threshold; });
    const size_t n_left = static_cast<size_t>(middle - rows);
    const size_t ni = static_cast<size_t>(node);
    tree_.feature[ni] = static_cast<int32_t>(f);
    tree_.threshold[ni] = threshold;
    const int32_t left = Build(rows, n_left, depth + 1);
    tree_.left[ni] = left;
    const int32_t right = Build(middle, n - n_left, depth + 1);
    tree_.right[ni] = right;
    return node;
  }

  const std::vector<double>& z_;
  size_t d_;
  int max_depth_;
  Random& random_;
  models::IsolationTree tree_;
  std::vector<size_t> varying_;
  std::vector<double> lo_, hi_;
};

}  // namespace

Result<IsolationForestFitResult> FitIsolationForest(const std::vector<std::string>& feature_names,
                                                    const std::vector<double>& rows,
                                                    const IsolationForestFitOptions& options) {
  const size_t d = feature_names.size();
  if (d == 0) return InvalidArgument("isolation forest fit: no feature columns");
  if (rows.size() % d != 0) {
    return InvalidArgument("isolation forest fit: " + std::to_string(rows.size()) +
                           " values do not make whole rows of " + std::to_string(d));
  }
  if (options.trees < 1) return InvalidArgument("isolation forest fit: trees must be >= 1");
  if (options.sample_size < 2) {
    return InvalidArgument("isolation forest fit: sample_size must be >= 2");
  }
  const size_t n = rows.size() / d;
  if (n < 2) return InvalidArgument("isolation forest fit: needs at least 2 rows");

  const internal::ColumnStats stats = internal::ComputeColumnStats(rows, d);
  const std::vector<double> z = internal::Standardise(rows, stats);
  const size_t psi = std::min<size_t>(n, static_cast<size_t>(options.sample_size));
  const int max_depth = static_cast<int>(std::ceil(std::log2(static_cast<double>(psi))));

  IsolationForestFitResult result;
  models::IsolationForestModel& model = result.model;
  model.feature_names = feature_names;
  model.means = stats.means;
  model.scales = stats.scales;
  model.sample_size = static_cast<int64_t>(psi);
  Random random(options.seed);
  std::vector<size_t> all(n);
  for (int t = 0; t < options.trees; ++t) {
    // Partial Fisher-Yates: the first psi entries become a sample without replacement.
    for (size_t i = 0; i < n; ++i) all[i] = i;
    for (size_t i = 0; i < psi; ++i) {
      const size_t j = static_cast<size_t>(
          random.UniformInt(static_cast<int64_t>(i), static_cast<int64_t>(n) - 1));
      std::swap(all[i], all[j]);
    }
    std::vector<size_t> sample(all.begin(), all.begin() + static_cast<long>(psi));
    std::sort(sample.begin(), sample.end());
    TreeGrower grower(z, d, max_depth, random);
    model.trees.push_back(grower.Grow(std::move(sample)));
  }
  EL_ASSIGN_OR_RETURN(std::unique_ptr<models::IsolationForestScorer> scorer,
                      models::IsolationForestScorer::Create(model));
  result.training_scores.resize(n);
  scorer->ScoreBatch(rows.data(), n, result.training_scores.data());
  return result;
}

}  // namespace edgeloop::training
