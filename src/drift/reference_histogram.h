// ReferenceHistogram: a feature's (or the score's) training distribution as quantile bins, the
// reference that devices count their windows into and drift statistics compare against.
//
// Edges are quantiles of the finite training values (NaN, a missing feature, and infinities are
// left out and counted apart as missing), de-duplicated so a feature with few distinct values gets fewer, wider bins.
// A value v falls in bin i when edges[i] <= v < edges[i + 1]; values below the first edge count
// in the first bin and values at or above the last edge in the last bin, so live data outside
// the training range is still counted. A plain value; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgeloop::drift {

struct ReferenceHistogram {
  std::string feature;
  std::vector<double> edges;     // strictly increasing; size() == counts.size() + 1
  std::vector<int64_t> counts;   // training values per bin
  int64_t missing = 0;           // NaN values, not in any bin

  // The bin `value` falls in (see above); -1 for NaN or when there are no bins.
  int BinOf(double value) const;
};

// At most `bins` quantile bins of `values` (non-finite values skipped). All-NaN or empty input gives no bins;
// a constant feature gives one bin [v, v] widened to [v, nextafter(v)].
ReferenceHistogram BuildReferenceHistogram(std::string feature, const std::vector<double>& values,
                                           int bins);

}  // namespace edgeloop::drift
