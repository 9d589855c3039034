#include "training/xgboost_trainer.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdint>
#include <set>
#include <utility>

#include "base/sha256.h"
#include "base/strings.h"

namespace edgeloop::training {
namespace {

// Owns a DMatrixHandle.
class DMatrix {
 public:
  DMatrix() = default;
  ~DMatrix() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  DMatrixHandle* out() { return &handle_; }
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

// Owns a BoosterHandle.
class Booster {
 public:
  Booster() = default;
  ~Booster() {
    if (handle_ != nullptr) XGBoosterFree(handle_);
  }
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  BoosterHandle* out() { return &handle_; }
  BoosterHandle get() const { return handle_; }

 private:
  BoosterHandle handle_ = nullptr;
};

// Turns an XGBoost return code into a Status that carries the library's own message.
Status Check(int rc, std::string_view what, StatusCode code = StatusCode::kInternal) {
  if (rc == 0) return Status::Ok();
  const char* err = XGBGetLastError();
  return Status(code, "xgboost: " + std::string(what) + ": " + (err != nullptr ? err : "unknown"));
}

// __array_interface__ (version 3) of a row-major float64 matrix.
std::string ArrayInterface(const double* rows, size_t n_rows, size_t n_cols) {
  return "{\"data\": [" + std::to_string(reinterpret_cast<uintptr_t>(rows)) +
         ", true], \"shape\": [" + std::to_string(n_rows) + ", " + std::to_string(n_cols) +
         "], \"typestr\": \"<f8\", \"version\": 3}";
}

Status SetParam(const Booster& booster, const char* name, const std::string& value) {
  return Check(XGBoosterSetParam(booster.get(), name, value.c_str()),
               std::string("setting ") + name + " = " + value, StatusCode::kInvalidArgument);
}

Status SetParams(const Booster& booster, const XgbParams& p, double scale_pos_weight) {
  EL_RETURN_IF_ERROR(SetParam(booster, "verbosity", "0"));
  EL_RETURN_IF_ERROR(SetParam(booster, "objective", p.objective));
  EL_RETURN_IF_ERROR(SetParam(booster, "max_depth", std::to_string(p.max_depth)));
  EL_RETURN_IF_ERROR(SetParam(booster, "eta", FormatDouble(p.eta)));
  EL_RETURN_IF_ERROR(SetParam(booster, "subsample", FormatDouble(p.subsample)));
  EL_RETURN_IF_ERROR(SetParam(booster, "colsample_bytree", FormatDouble(p.colsample_bytree)));
  EL_RETURN_IF_ERROR(SetParam(booster, "min_child_weight", FormatDouble(p.min_child_weight)));
  EL_RETURN_IF_ERROR(SetParam(booster, "scale_pos_weight", FormatDouble(scale_pos_weight)));
  EL_RETURN_IF_ERROR(SetParam(booster, "seed", std::to_string(p.seed)));
  EL_RETURN_IF_ERROR(SetParam(booster, "nthread", std::to_string(p.nthread)));
  EL_RETURN_IF_ERROR(SetParam(booster, "tree_method", p.tree_method));
  return Status::Ok();
}

Status CheckShape(const double* rows, size_t n_rows, size_t n_cols) {
  if (n_cols == 0) return InvalidArgument("feature matrix has no columns");
  if (n_rows > 0 && rows == nullptr) return InvalidArgument("feature matrix has no data");
  return Status::Ok();
}

}  // namespace

Status ValidateXgbParams(const XgbParams& p) {
  auto bad = [](const std::string& name, const std::string& value, const char* expected) {
    return InvalidArgument("xgboost " + name + " " + value + ": expected " + expected);
  };
  if (p.objective.empty()) return bad("objective", "''", "e.g. binary:logistic");
  if (p.num_rounds < 1) return bad("num_rounds", std::to_string(p.num_rounds), "at least 1");
  if (p.max_depth < 1) return bad("max_depth", std::to_string(p.max_depth), "at least 1");
  if (!(p.eta > 0 && p.eta <= 1)) return bad("eta", FormatDouble(p.eta), "in (0, 1]");
  if (!(p.subsample > 0 && p.subsample <= 1)) {
    return bad("subsample", FormatDouble(p.subsample), "in (0, 1]");
  }
  if (!(p.colsample_bytree > 0 && p.colsample_bytree <= 1)) {
    return bad("colsample_bytree", FormatDouble(p.colsample_bytree), "in (0, 1]");
  }
  if (!(p.min_child_weight >= 0 && std::isfinite(p.min_child_weight))) {
    return bad("min_child_weight", FormatDouble(p.min_child_weight), "0 or more");
  }
  if (!(p.scale_pos_weight > 0 && std::isfinite(p.scale_pos_weight))) {
    return bad("scale_pos_weight", FormatDouble(p.scale_pos_weight), "more than 0");
  }
  if (p.nthread < 1) return bad("nthread", std::to_string(p.nthread), "at least 1");
  if (p.tree_method.empty()) return bad("tree_method", "''", "e.g. hist");
  return Status::Ok();
}

Result<TrainedModel> TrainXgboost(const double* rows, size_t n_rows, size_t n_cols,
                                  const std::vector<float>& labels,
                                  const std::vector<std::string>& feature_names,
                                  const XgbParams& params) {
  EL_RETURN_IF_ERROR(ValidateXgbParams(params));
  EL_RETURN_IF_ERROR(CheckShape(rows, n_rows, n_cols));
  if (n_rows == 0) return InvalidArgument("no training rows");
  if (labels.size() != n_rows) {
    return InvalidArgument(std::to_string(labels.size()) + " labels for " + std::to_string(n_rows) +
                           " training rows");
  }
  if (feature_names.size() != n_cols) {
    return InvalidArgument(std::to_string(feature_names.size()) + " feature names for " +
                           std::to_string(n_cols) + " columns");
  }
  std::set<std::string> seen;
  for (const std::string& name : feature_names) {
    if (name.empty() || !seen.insert(name).second) {
      return InvalidArgument("feature name '" + name + "' is empty or repeated");
    }
  }
  size_t positives = 0;
  for (size_t i = 0; i < n_rows; ++i) {
    if (!std::isfinite(labels[i])) {
      return InvalidArgument("training row " + std::to_string(i) + ": label " +
                             FormatDouble(labels[i]) + " is not a finite number");
    }
    if (labels[i] > 0.5f) ++positives;
  }
  double scale_pos_weight = params.scale_pos_weight;
  if (params.auto_scale_pos_weight && positives > 0) {
    scale_pos_weight = static_cast<double>(n_rows - positives) / static_cast<double>(positives);
    if (scale_pos_weight <= 0) scale_pos_weight = 1;
  }

  DMatrix dtrain;
  const std::string data = ArrayInterface(rows, n_rows, n_cols);
  const std::string dconfig =
      "{\"missing\": NaN, \"nthread\": " + std::to_string(params.nthread) + "}";
  EL_RETURN_IF_ERROR(Check(XGDMatrixCreateFromDense(data.c_str(), dconfig.c_str(), dtrain.out()),
                           "creating the training matrix"));
  EL_RETURN_IF_ERROR(Check(XGDMatrixSetFloatInfo(dtrain.get(), "label", labels.data(), n_rows),
                           "setting labels", StatusCode::kInvalidArgument));
  std::vector<const char*> names;
  for (const std::string& name : feature_names) names.push_back(name.c_str());
  EL_RETURN_IF_ERROR(
      Check(XGDMatrixSetStrFeatureInfo(dtrain.get(), "feature_name", names.data(), names.size()),
            "setting feature names", StatusCode::kInvalidArgument));

  Booster booster;
  DMatrixHandle cache[] = {dtrain.get()};
  EL_RETURN_IF_ERROR(Check(XGBoosterCreate(cache, 1, booster.out()), "creating the booster"));
  EL_RETURN_IF_ERROR(SetParams(booster, params, scale_pos_weight));
  for (int iter = 0; iter < params.num_rounds; ++iter) {
    EL_RETURN_IF_ERROR(Check(XGBoosterUpdateOneIter(booster.get(), iter, dtrain.get()),
                             "boosting round " + std::to_string(iter)));
  }
  // The booster keeps the names in its JSON only when they are set on it (not on the matrix).
  EL_RETURN_IF_ERROR(
      Check(XGBoosterSetStrFeatureInfo(booster.get(), "feature_name", names.data(), names.size()),
            "naming the model's features", StatusCode::kInvalidArgument));
  bst_ulong len = 0;
  const char* bytes = nullptr;
  EL_RETURN_IF_ERROR(
      Check(XGBoosterSaveModelToBuffer(booster.get(), "{\"format\": \"json\"}", &len, &bytes),
            "saving the model as JSON"));
  TrainedModel model;
  model.json.assign(bytes, len);
  model.digest = Sha256Hex(model.json);
  model.feature_names = feature_names;
  model.scale_pos_weight = scale_pos_weight;
  return model;
}

Result<std::vector<double>> PredictXgboost(const std::string& model_json, const double* rows,
                                           size_t n_rows, size_t n_cols) {
  EL_RETURN_IF_ERROR(CheckShape(rows, n_rows, n_cols));
  if (model_json.empty()) return InvalidArgument("model JSON is empty");
  Booster booster;
  EL_RETURN_IF_ERROR(Check(XGBoosterCreate(nullptr, 0, booster.out()), "creating the booster"));
  EL_RETURN_IF_ERROR(
      Check(XGBoosterLoadModelFromBuffer(booster.get(), model_json.data(), model_json.size()),
            "loading the model JSON", StatusCode::kInvalidArgument));
  bst_ulong model_cols = 0;
  EL_RETURN_IF_ERROR(Check(XGBoosterGetNumFeature(booster.get(), &model_cols),
                           "reading the model's feature count"));
  if (model_cols != n_cols) {
    return InvalidArgument("model expects " + std::to_string(model_cols) + " features, rows have " +
                           std::to_string(n_cols));
  }
  if (n_rows == 0) return std::vector<double>{};
  const std::string data = ArrayInterface(rows, n_rows, n_cols);
  const char* config =
      "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
      "\"strict_shape\": false, \"cache_id\": 0, \"missing\": NaN}";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  EL_RETURN_IF_ERROR(Check(
      XGBoosterPredictFromDense(booster.get(), data.c_str(), config, nullptr, &shape, &dim, &out),
      "predicting"));
  size_t total = 1;
  for (bst_ulong d = 0; d < dim; ++d) total *= shape[d];
  if (total != n_rows) {
    return Internal("xgboost: predicting gave " + std::to_string(total) + " values for " +
                    std::to_string(n_rows) + " rows (a multi-output model is not supported)");
  }
  return std::vector<double>(out, out + n_rows);
}

std::string XgboostVersion() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace edgeloop::training
