#include "features/internal/moments.h"

#include <cmath>
#include <cstring>

namespace edgeloop::features::internal {
namespace {

// Two-double vectors (GCC vector extension: SSE2 on x86-64, NEON on ARM). Each loop keeps two of
// them, so sample i always lands in lane i % 4, and the lanes are combined in a fixed order: the
// result depends only on the samples. No -ffast-math: every operation is the IEEE one written.
typedef double V2 __attribute__((vector_size(16)));
typedef int64_t V2i __attribute__((vector_size(16)));

constexpr double kInf = std::numeric_limits<double>::infinity();

// (lane 0 + lane 1) + (lane 2 + lane 3)
double SumLanes(const V2& a, const V2& b) { return (a[0] + a[1]) + (b[0] + b[1]); }

// Central moments about `mean` and the co-moment with time, for a block without missing samples.
void CentralMomentsDense(const double* x, const double* dt, size_t n, double mean, Moments* m) {
  const V2 zero = {0, 0};
  V2 m2a = zero, m3a = zero, m4a = zero, ca = zero;
  V2 m2b = zero, m3b = zero, m4b = zero, cb = zero;
  size_t n4 = n & ~size_t{3};
  for (size_t i = 0; i < n4; i += 4) {
    V2 va, vb, ta, tb;
    std::memcpy(&va, x + i, sizeof va);
    std::memcpy(&vb, x + i + 2, sizeof vb);
    std::memcpy(&ta, dt + i, sizeof ta);
    std::memcpy(&tb, dt + i + 2, sizeof tb);
    V2 da = va - mean, db = vb - mean;
    V2 da2 = da * da, db2 = db * db;
    m2a += da2;
    m2b += db2;
    m3a += da2 * da;
    m3b += db2 * db;
    m4a += da2 * da2;
    m4b += db2 * db2;
    ca += ta * da;
    cb += tb * db;
  }
  double s2 = SumLanes(m2a, m2b), s3 = SumLanes(m3a, m3b), s4 = SumLanes(m4a, m4b);
  double sc = SumLanes(ca, cb);
  for (size_t i = n4; i < n; ++i) {
    double d = x[i] - mean;
    double d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
    sc += dt[i] * d;
  }
  m->m2 = s2;
  m->m3 = s3;
  m->m4 = s4;
  m->c_tx = sc;
}

// The same for a block with missing samples: the time axis of the valid samples differs from
// the block's, so its mean and spread are computed here, and missing samples contribute zeros.
void CentralMomentsSparse(const double* x, const double* rel_t, size_t n, double mean, Moments* m) {
  const V2 zero = {0, 0};
  size_t n4 = n & ~size_t{3};
  V2 st_a = zero, st_b = zero;
  for (size_t i = 0; i < n4; i += 4) {
    V2 va, vb, ta, tb;
    std::memcpy(&va, x + i, sizeof va);
    std::memcpy(&vb, x + i + 2, sizeof vb);
    std::memcpy(&ta, rel_t + i, sizeof ta);
    std::memcpy(&tb, rel_t + i + 2, sizeof tb);
    st_a += va == va ? ta : zero;
    st_b += vb == vb ? tb : zero;
  }
  double sum_t = SumLanes(st_a, st_b);
  for (size_t i = n4; i < n; ++i) {
    if (x[i] == x[i]) sum_t += rel_t[i];
  }
  double mean_t = sum_t / m->n;

  V2 m2a = zero, m3a = zero, m4a = zero, ca = zero, tta = zero;
  V2 m2b = zero, m3b = zero, m4b = zero, cb = zero, ttb = zero;
  for (size_t i = 0; i < n4; i += 4) {
    V2 va, vb, ta, tb;
    std::memcpy(&va, x + i, sizeof va);
    std::memcpy(&vb, x + i + 2, sizeof vb);
    std::memcpy(&ta, rel_t + i, sizeof ta);
    std::memcpy(&tb, rel_t + i + 2, sizeof tb);
    V2i valid_a = va == va, valid_b = vb == vb;
    V2 da = valid_a ? va - mean : zero, db = valid_b ? vb - mean : zero;
    V2 ea = valid_a ? ta - mean_t : zero, eb = valid_b ? tb - mean_t : zero;
    V2 da2 = da * da, db2 = db * db;
    m2a += da2;
    m2b += db2;
    m3a += da2 * da;
    m3b += db2 * db;
    m4a += da2 * da2;
    m4b += db2 * db2;
    tta += ea * ea;
    ttb += eb * eb;
    ca += ea * da;
    cb += eb * db;
  }
  double s2 = SumLanes(m2a, m2b), s3 = SumLanes(m3a, m3b), s4 = SumLanes(m4a, m4b);
  double st = SumLanes(tta, ttb), sc = SumLanes(ca, cb);
  for (size_t i = n4; i < n; ++i) {
    if (!(x[i] == x[i])) continue;
    double d = x[i] - mean;
    double d2 = d * d;
    double t = rel_t[i] - mean_t;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
    st += t * t;
    sc += t * d;
  }
  m->m2 = s2;
  m->m3 = s3;
  m->m4 = s4;
  m->mean_t = mean_t;
  m->m2_t = st;
  m->c_tx = sc;
}

}  // namespace

void BlockTimes::Prepare(const int64_t* time_ms, size_t n, int64_t origin_ms) {
  even_period_ms_ = -1;
  rel_t.resize(n);
  dt.resize(n);
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    rel_t[i] = static_cast<double>(time_ms[i] - origin_ms);
    sum += rel_t[i];
  }
  mean_t = n > 0 ? sum / static_cast<double>(n) : 0;
  double m2 = 0;
  for (size_t i = 0; i < n; ++i) {
    dt[i] = rel_t[i] - mean_t;
    m2 += dt[i] * dt[i];
  }
  m2_t = m2;
}

void BlockTimes::PrepareEven(size_t n, double period_ms) {
  if (period_ms == even_period_ms_ && rel_t.size() == n) return;
  even_period_ms_ = period_ms;
  rel_t.resize(n);
  dt.resize(n);
  // Exact: the mean of 0, p, 2p, ... (n-1)p is (n-1)p/2.
  mean_t = n > 0 ? static_cast<double>(n - 1) * period_ms / 2 : 0;
  double m2 = 0;
  for (size_t i = 0; i < n; ++i) {
    rel_t[i] = static_cast<double>(i) * period_ms;
    dt[i] = rel_t[i] - mean_t;
    m2 += dt[i] * dt[i];
  }
  m2_t = m2;
}

Moments AccumulateBlock(const BlockTimes& times, const double* x, size_t n, bool count_range,
                        double range_min, double range_max) {
  Moments m;
  // Pass 1: count, sum, min, max (NaN compares false, so it never wins min or max).
  const V2 zero = {0, 0};
  V2 sum_a = zero, sum_b = zero;
  V2 lo_a = zero + kInf, lo_b = zero + kInf, hi_a = zero - kInf, hi_b = zero - kInf;
  V2i count_a = {0, 0}, count_b = {0, 0};
  size_t n4 = n & ~size_t{3};
  for (size_t i = 0; i < n4; i += 4) {
    V2 va, vb;
    std::memcpy(&va, x + i, sizeof va);
    std::memcpy(&vb, x + i + 2, sizeof vb);
    V2i valid_a = va == va, valid_b = vb == vb;
    sum_a += valid_a ? va : zero;
    sum_b += valid_b ? vb : zero;
    count_a -= valid_a;
    count_b -= valid_b;
    lo_a = va < lo_a ? va : lo_a;
    lo_b = vb < lo_b ? vb : lo_b;
    hi_a = va > hi_a ? va : hi_a;
    hi_b = vb > hi_b ? vb : hi_b;
  }
  double total = SumLanes(sum_a, sum_b);
  int64_t valid_count = (count_a[0] + count_a[1]) + (count_b[0] + count_b[1]);
  double mn = kInf, mx = -kInf;
  const double lanes_lo[] = {lo_a[0], lo_a[1], lo_b[0], lo_b[1]};
  const double lanes_hi[] = {hi_a[0], hi_a[1], hi_b[0], hi_b[1]};
  for (int k = 0; k < 4; ++k) {
    mn = lanes_lo[k] < mn ? lanes_lo[k] : mn;
    mx = lanes_hi[k] > mx ? lanes_hi[k] : mx;
  }
  for (size_t i = n4; i < n; ++i) {
    double v = x[i];
    if (!(v == v)) continue;
    total += v;
    ++valid_count;
    mn = v < mn ? v : mn;
    mx = v > mx ? v : mx;
  }
  if (valid_count == 0) return m;

  m.n = static_cast<double>(valid_count);
  m.min = mn;
  m.max = mx;
  size_t first = 0;
  while (!(x[first] == x[first])) ++first;
  size_t last = n - 1;
  while (!(x[last] == x[last])) --last;
  m.first = x[first];
  m.last = x[last];
  if (count_range) {
    int64_t outside = 0;
    for (size_t i = 0; i < n; ++i) outside += (x[i] < range_min) | (x[i] > range_max);
    m.out_of_range = static_cast<double>(outside);
  }

  // Pass 2: central moments about the block mean. A constant block is exact.
  bool dense = static_cast<size_t>(valid_count) == n;
  m.mean = mn == mx ? mn : total / m.n;
  if (dense) {
    m.mean_t = times.mean_t;
    m.m2_t = times.m2_t;
    if (mn == mx) {
      m.m2 = m.m3 = m.m4 = m.c_tx = 0;
    } else {
      CentralMomentsDense(x, times.dt.data(), n, m.mean, &m);
    }
  } else {
    CentralMomentsSparse(x, times.rel_t.data(), n, m.mean, &m);
    if (mn == mx) m.m2 = m.m3 = m.m4 = m.c_tx = 0;
  }
  return m;
}

Moments Merge(const Moments& a, const Moments& b) {
  if (b.n == 0) return a;
  if (a.n == 0) return b;
  Moments m;
  double na = a.n, nb = b.n, n = na + nb;
  double d = b.mean - a.mean;
  double d_n = d / n;
  double d2_n2 = d_n * d_n;
  double ab = na * nb;
  m.n = n;
  m.mean = a.mean + d_n * nb;
  m.m2 = a.m2 + b.m2 + d * d_n * ab;
  m.m3 = a.m3 + b.m3 + d * d2_n2 * ab * (na - nb) + 3.0 * d_n * (na * b.m2 - nb * a.m2);
  m.m4 = a.m4 + b.m4 + d * d_n * d2_n2 * ab * (na * na - ab + nb * nb) +
         6.0 * d2_n2 * (na * na * b.m2 + nb * nb * a.m2) + 4.0 * d_n * (na * b.m3 - nb * a.m3);
  double dt = b.mean_t - a.mean_t;
  double dt_n = dt / n;
  m.mean_t = a.mean_t + dt_n * nb;
  m.m2_t = a.m2_t + b.m2_t + dt * dt_n * ab;
  m.c_tx = a.c_tx + b.c_tx + d * dt_n * ab;
  m.min = b.min < a.min ? b.min : a.min;
  m.max = b.max > a.max ? b.max : a.max;
  m.first = a.first;
  m.last = b.last;
  m.out_of_range = a.out_of_range + b.out_of_range;
  return m;
}

}  // namespace edgeloop::features::internal
