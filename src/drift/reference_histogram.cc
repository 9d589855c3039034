#include "drift/reference_histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace edgeloop::drift {

int ReferenceHistogram::BinOf(double value) const {
  if (std::isnan(value) || counts.empty()) return -1;
  // upper_bound over the inner edges: the number of inner edges <= value is the bin.
  const auto first = edges.begin() + 1;
  const auto last = edges.end() - 1;
  return static_cast<int>(std::upper_bound(first, last, value) - first);
}

ReferenceHistogram BuildReferenceHistogram(std::string feature, const std::vector<double>& values,
                                           int bins) {
  ReferenceHistogram h;
  h.feature = std::move(feature);
  std::vector<double> finite;
  finite.reserve(values.size());
  for (double v : values) {
    if (!std::isfinite(v)) {
      ++h.missing;
    } else {
      finite.push_back(v);
    }
  }
  if (finite.empty() || bins < 1) return h;
  std::sort(finite.begin(), finite.end());
  const size_t n = finite.size();
  for (int i = 0; i <= bins; ++i) {
    // Nearest-rank quantile i / bins, deterministic and exact on the data.
    const size_t rank = std::min(n - 1, static_cast<size_t>(static_cast<double>(i) / bins *
                                                            static_cast<double>(n - 1) + 0.5));
    const double edge = finite[rank];
    if (h.edges.empty() || edge > h.edges.back()) h.edges.push_back(edge);
  }
  if (h.edges.size() == 1) {
    h.edges.push_back(std::nextafter(h.edges[0], std::numeric_limits<double>::infinity()));
  }
  h.counts.assign(h.edges.size() - 1, 0);
  for (double v : finite) ++h.counts[static_cast<size_t>(h.BinOf(v))];
  return h;
}

}  // namespace edgeloop::drift
