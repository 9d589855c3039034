// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: deterministic
// (fixed sweep order, no randomness, no threads) and accurate to rounding, which PCA fitting
// needs so the same training rows always give the same model bytes.
#pragma once

#include <cstddef>
#include <vector>

namespace edgeloop::training::internal {

// `matrix` is n x n row-major and symmetric. On return `values` holds the n eigenvalues in
// descending order and `vectors` the matching unit eigenvectors, one per row (n x n row-major),
// each with its largest-magnitude entry positive (a fixed sign convention).
void SymmetricEigen(const std::vector<double>& matrix, size_t n, std::vector<double>* values,
                    std::vector<double>* vectors);

}  // namespace edgeloop::training::internal
