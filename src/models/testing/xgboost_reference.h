// XgboostReference: trains a small XGBoost model in-process through the C API and predicts with
// it, so tests and benchmarks can check the edge scorers against XGBoost's own predictions.
// Test- and bench-only and header-only: the models library never includes it and never links
// XGBoost. Failures of the XGBoost C API abort with its message (a broken test setup).
#pragma once

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "base/random.h"

namespace edgeloop::models::testing {

inline void XgbCheck(int rc, const char* what) {
  if (rc != 0) {
    std::fprintf(stderr, "xgboost %s failed: %s\n", what, XGBGetLastError());
    std::abort();
  }
}

// n_rows x n_cols row-major uniform values in [-2, 2), each NaN with probability missing_share.
inline std::vector<double> RandomRows(size_t n_rows, size_t n_cols, double missing_share,
                                      uint64_t seed) {
  Random random(seed);
  std::vector<double> rows(n_rows * n_cols);
  for (double& v : rows) v = random.Bernoulli(missing_share) ? NAN : random.Uniform(-2.0, 2.0);
  return rows;
}

// A nonlinear target of the first columns (missing counts as 0), plus noise; 0/1 when binary.
inline std::vector<float> Labels(const std::vector<double>& rows, size_t n_cols, bool binary,
                                 uint64_t seed) {
  Random random(seed);
  const size_t n_rows = rows.size() / n_cols;
  std::vector<float> labels(n_rows);
  for (size_t r = 0; r < n_rows; ++r) {
    auto x = [&](size_t c) {
      const double v = rows[r * n_cols + c % n_cols];
      return std::isnan(v) ? 0.0 : v;
    };
    const double signal = x(0) * x(1) + std::sin(2 * x(2)) - 0.5 * x(3) + (x(4) > 0.5 ? 1.0 : 0.0);
    const double noisy = signal + random.Normal(0.0, 0.3);
    labels[r] = binary ? (noisy > 0.3 ? 1.0f : 0.0f) : static_cast<float>(noisy);
  }
  return labels;
}

class XgboostReference {
 public:
  // Trains `rounds` trees of `max_depth` with `objective` on rows/labels, single-threaded.
  XgboostReference(const std::vector<double>& rows, const std::vector<float>& labels,
                   size_t n_cols, const std::string& objective, int max_depth, int rounds)
      : n_cols_(n_cols) {
    DMatrixHandle train = MakeDMatrix(rows.data(), labels.size());
    XgbCheck(XGDMatrixSetFloatInfo(train, "label", labels.data(), labels.size()), "set label");
    XgbCheck(XGBoosterCreate(&train, 1, &booster_), "create booster");
    const std::pair<const char*, std::string> params[] = {
        {"objective", objective}, {"max_depth", std::to_string(max_depth)},
        {"eta", "0.3"},           {"nthread", "1"},
        {"seed", "7"},            {"tree_method", "hist"},
        {"verbosity", "0"},       {"subsample", "0.8"}};
    for (const auto& [name, value] : params) {
      XgbCheck(XGBoosterSetParam(booster_, name, value.c_str()), name);
    }
    for (int i = 0; i < rounds; ++i) XgbCheck(XGBoosterUpdateOneIter(booster_, i, train), "update");
    XGDMatrixFree(train);
  }
  ~XgboostReference() { XGBoosterFree(booster_); }
  XgboostReference(const XgboostReference&) = delete;
  XgboostReference& operator=(const XgboostReference&) = delete;

  BoosterHandle booster() const { return booster_; }

  std::string Json() const {
    bst_ulong len = 0;
    const char* bytes = nullptr;
    XgbCheck(XGBoosterSaveModelToBuffer(booster_, "{\"format\": \"json\"}", &len, &bytes), "save");
    return std::string(bytes, len);
  }

  // XGBoost's own scores (inplace prediction of float64 rows, as a deployed model would see).
  std::vector<float> Predict(const double* rows, size_t n_rows, int nthread = 1) const {
    const std::string config = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
                               "\"iteration_end\": 0, \"strict_shape\": false, \"missing\": NaN, "
                               "\"cache_id\": 0, \"nthread\": " + std::to_string(nthread) + "}";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    XgbCheck(XGBoosterPredictFromDense(booster_, ArrayInterface(rows, n_rows).c_str(),
                                       config.c_str(), nullptr, &shape, &dim, &result),
             "predict");
    return std::vector<float>(result, result + n_rows);
  }

  // pred_contribs: n_rows x (n_cols + 1), the bias last.
  std::vector<float> Contributions(const double* rows, size_t n_rows) const {
    DMatrixHandle matrix = MakeDMatrix(rows, n_rows);
    const char* config = "{\"type\": 2, \"training\": false, \"iteration_begin\": 0, "
                         "\"iteration_end\": 0, \"strict_shape\": false}";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    XgbCheck(XGBoosterPredictFromDMatrix(booster_, matrix, config, &shape, &dim, &result),
             "predict contributions");
    std::vector<float> out(result, result + n_rows * (n_cols_ + 1));
    XGDMatrixFree(matrix);
    return out;
  }

  // __array_interface__ (version 3) of n_rows row-major float64 rows.
  std::string ArrayInterface(const double* rows, size_t n_rows) const {
    return "{\"data\": [" + std::to_string(reinterpret_cast<uintptr_t>(rows)) +
           ", true], \"shape\": [" + std::to_string(n_rows) + ", " + std::to_string(n_cols_) +
           "], \"typestr\": \"<f8\", \"version\": 3}";
  }

 private:
  DMatrixHandle MakeDMatrix(const double* rows, size_t n_rows) const {
    std::vector<float> values(rows, rows + n_rows * n_cols_);
    DMatrixHandle matrix = nullptr;
    XgbCheck(XGDMatrixCreateFromMat(values.data(), n_rows, n_cols_, NAN, &matrix), "dmatrix");
    return matrix;
  }

  size_t n_cols_;
  BoosterHandle booster_ = nullptr;
};

}  // namespace edgeloop::models::testing
