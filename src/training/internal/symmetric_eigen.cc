#include "training/internal/symmetric_eigen.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace edgeloop::training::internal {

void SymmetricEigen(const std::vector<double>& matrix, size_t n, std::vector<double>* values,
                    std::vector<double>* vectors) {
  std::vector<double> a = matrix;
  std::vector<double> v(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) v[i * n + i] = 1.0;
  constexpr int kMaxSweeps = 100;
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    double off = 0;
    double diag = 0;
    for (size_t p = 0; p < n; ++p) {
      diag += a[p * n + p] * a[p * n + p];
      for (size_t q = p + 1; q < n; ++q) off += a[p * n + q] * a[p * n + q];
    }
    if (off <= 1e-30 * std::max(diag, 1e-300)) break;
    for (size_t p = 0; p + 1 < n; ++p) {
      for (size_t q = p + 1; q < n; ++q) {
        const double apq = a[p * n + q];
        if (apq == 0.0) continue;
        // Rotation that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.4.1).
        const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0);
        const double s = t * c;
        for (size_t k = 0; k < n; ++k) {
          const double akp = a[k * n + p];
          const double akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (size_t k = 0; k < n; ++k) {
          const double apk = a[p * n + k];
          const double aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (size_t k = 0; k < n; ++k) {
          const double vkp = v[k * n + p];
          const double vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return a[x * n + x] > a[y * n + y]; });
  values->assign(n, 0.0);
  vectors->assign(n * n, 0.0);
  for (size_t r = 0; r < n; ++r) {
    const size_t col = order[r];
    (*values)[r] = a[col * n + col];
    size_t largest = 0;
    for (size_t k = 0; k < n; ++k) {
      if (std::fabs(v[k * n + col]) > std::fabs(v[largest * n + col])) largest = k;
    }
    const double sign = v[largest * n + col] < 0 ? -1.0 : 1.0;
    for (size_t k = 0; k < n; ++k) (*vectors)[r * n + k] = sign * v[k * n + col];
  }
}

}  // namespace edgeloop::training::internal
