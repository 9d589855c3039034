// Moments: the sufficient statistics of one signal over a span of time (a hop-sized block or a
// whole window), from which every time-domain window function is computed.
//
// A block's Moments are computed once from its samples (AccumulateBlock: a two-pass sweep within
// the block, so central moments never suffer the cancellation of raw power sums); a window's are
// the left fold of its blocks with Pebay's pairwise update (Merge). Times are in milliseconds
// relative to an origin (the block end, then the window end; see ShiftTime). Missing samples
// (NaN) are skipped. The operation order depends only on the samples, never on how they were
// delivered, so batch and streaming extraction agree bit for bit. Plain values; no errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace edgeloop::features::internal {

struct Moments {
  double n = 0;  // valid (non-NaN) samples
  double mean = 0;
  double m2 = 0;  // sum of (x - mean)^k
  double m3 = 0;
  double m4 = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double first = std::numeric_limits<double>::quiet_NaN();  // first and last valid values
  double last = std::numeric_limits<double>::quiet_NaN();
  double mean_t = 0;        // mean time of the valid samples (ms from the origin)
  double m2_t = 0;          // sum of (t - mean_t)^2
  double c_tx = 0;          // sum of (t - mean_t) * (x - mean)
  double out_of_range = 0;  // valid samples outside the signal's range
};

// The time axis of one block, shared by all signals of the block.
struct BlockTimes {
  std::vector<double> rel_t;  // sample time - origin, ms
  std::vector<double> dt;     // rel_t - mean of rel_t
  double mean_t = 0;
  double m2_t = 0;

  // Fills the fields for `n` timestamps relative to `origin_ms`.
  void Prepare(const int64_t* time_ms, size_t n, int64_t origin_ms);
  // The same for `n` evenly spaced samples (a waveform burst) starting at time 0; a repeat call
  // with the same arguments reuses the previous result.
  void PrepareEven(size_t n, double period_ms);

 private:
  double even_period_ms_ = -1;  // the period PrepareEven last filled, or -1
};

// The Moments of samples x[0..n) taken at `times` (n == times.rel_t.size()). Out-of-range counts
// are only gathered when `count_range` is set.
Moments AccumulateBlock(const BlockTimes& times, const double* x, size_t n, bool count_range,
                        double range_min, double range_max);

// The Moments of the concatenation a then b (b's samples are later than a's).
Moments Merge(const Moments& a, const Moments& b);

// Moves the time origin: times become t + offset_ms.
inline void ShiftTime(Moments* m, double offset_ms) {
  if (m->n > 0) m->mean_t += offset_ms;
}

}  // namespace edgeloop::features::internal
