// XGBoost adapter: trains gradient-boosted trees through the XGBoost C API and predicts with
// them. Nothing of XGBoost leaks out: models travel as XGBoost JSON bytes, errors as Status.
//
// Training is reproducible: the same rows, labels, params, seed and nthread give byte-identical
// model JSON (and so the same digest). NaN features are missing values; labels must be finite.
// Handles are owned by RAII wrappers inside the .cc and freed on every path.
// Errors: InvalidArgument for bad shapes, labels, params or model bytes that do not load;
// Internal for any other XGBoost failure, carrying XGBGetLastError(). Thread-safe: each call
// uses its own booster; XGBoost's own threads are limited by nthread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace edgeloop::training {

struct XgbParams {
  std::string objective = "binary:logistic";
  int num_rounds = 200;
  int max_depth = 6;
  double eta = 0.1;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double min_child_weight = 1;
  double scale_pos_weight = 1;
  // Sets scale_pos_weight to negatives / positives of the training labels (binary objectives).
  bool auto_scale_pos_weight = false;
  uint64_t seed = 7;
  int nthread = 2;
  std::string tree_method = "hist";
};

struct TrainedModel {
  std::string json;    // XGBoosterSaveModelToBuffer with {"format": "json"}
  std::string digest;  // SHA-256 hex of `json`
  std::vector<std::string> feature_names;
  double scale_pos_weight = 1;  // the value used (after auto)
};

Status ValidateXgbParams(const XgbParams& params);

// `rows` is n_rows x n_cols, row-major. `labels` has n_rows entries; `feature_names` n_cols.
Result<TrainedModel> TrainXgboost(const double* rows, size_t n_rows, size_t n_cols,
                                  const std::vector<float>& labels,
                                  const std::vector<std::string>& feature_names,
                                  const XgbParams& params);

// One prediction per row (a probability for binary:logistic). n_cols must match the model.
Result<std::vector<double>> PredictXgboost(const std::string& model_json, const double* rows,
                                           size_t n_rows, size_t n_cols);

// "1.7.4": the version of the linked library, recorded by runs.
std::string XgboostVersion();

}  // namespace edgeloop::training
