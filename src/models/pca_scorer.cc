#include "models/pca_scorer.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <nlohmann/json.hpp>

#include "models/internal/json_fields.h"

namespace edgeloop::models {
namespace {

constexpr std::string_view kFormat = "edgeloop.pca";
constexpr std::string_view kWhat = "pca model";

Status Bad(const std::string& message) { return InvalidArgument("pca model: " + message); }

bool AllFinite(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

}  // namespace

Result<std::unique_ptr<PcaScorer>> PcaScorer::Create(PcaModel model) {
  const size_t d = model.feature_names.size();
  if (d == 0) return Bad("feature_names is empty");
  if (model.means.size() != d || !AllFinite(model.means)) {
    return Bad("means must hold " + std::to_string(d) + " finite values");
  }
  if (model.scales.size() != d || !AllFinite(model.scales) ||
      std::any_of(model.scales.begin(), model.scales.end(), [](double s) { return s <= 0; })) {
    return Bad("scales must hold " + std::to_string(d) + " finite positive values");
  }
  const size_t k = model.components.size();
  if (k == 0 || k > d) return Bad("components must hold 1 to " + std::to_string(d) + " rows");
  for (size_t j = 0; j < k; ++j) {
    if (model.components[j].size() != d || !AllFinite(model.components[j])) {
      return Bad("components[" + std::to_string(j) + "] must hold " + std::to_string(d) +
                 " finite values");
    }
  }
  if (model.variances.size() != k || !AllFinite(model.variances) ||
      std::any_of(model.variances.begin(), model.variances.end(),
                  [](double v) { return v <= 0; })) {
    return Bad("variances must hold " + std::to_string(k) + " finite positive values");
  }
  if (!std::isfinite(model.t2_limit) || model.t2_limit <= 0) return Bad("t2_limit must be > 0");
  if (!std::isfinite(model.q_limit) || model.q_limit <= 0) return Bad("q_limit must be > 0");
  return std::unique_ptr<PcaScorer>(new PcaScorer(std::move(model)));
}

Result<std::unique_ptr<PcaScorer>> PcaScorer::FromJson(std::string_view json) {
  EL_ASSIGN_OR_RETURN(nlohmann::json doc, internal::ParseJsonObject(json, kWhat));
  EL_RETURN_IF_ERROR(internal::CheckFormat(doc, kFormat, kVersion, kWhat));
  PcaModel model;
  EL_ASSIGN_OR_RETURN(model.feature_names, internal::JsonStrings(doc, "feature_names", kWhat));
  EL_ASSIGN_OR_RETURN(model.means, internal::JsonDoubles(doc, "means", kWhat));
  EL_ASSIGN_OR_RETURN(model.scales, internal::JsonDoubles(doc, "scales", kWhat));
  EL_ASSIGN_OR_RETURN(model.variances, internal::JsonDoubles(doc, "variances", kWhat));
  EL_ASSIGN_OR_RETURN(model.t2_limit, internal::JsonDouble(doc, "t2_limit", kWhat));
  EL_ASSIGN_OR_RETURN(model.q_limit, internal::JsonDouble(doc, "q_limit", kWhat));
  auto comps = doc.find("components");
  if (comps == doc.end() || !comps->is_array()) return Bad("components is not an array of arrays");
  for (size_t j = 0; j < comps->size(); ++j) {
    const nlohmann::json wrapper = {{"c", (*comps)[j]}};
    Result<std::vector<double>> row = internal::JsonDoubles(wrapper, "c", kWhat);
    if (!row.ok()) return Bad("components[" + std::to_string(j) + "] is not an array of numbers");
    model.components.push_back(std::move(row).value());
  }
  return Create(std::move(model));
}

std::string PcaScorer::ToJson() const {
  nlohmann::json doc = {{"format", kFormat},
                        {"version", kVersion},
                        {"feature_names", model_.feature_names},
                        {"means", model_.means},
                        {"scales", model_.scales},
                        {"components", model_.components},
                        {"variances", model_.variances},
                        {"t2_limit", model_.t2_limit},
                        {"q_limit", model_.q_limit}};
  return doc.dump();
}

PcaScorer::PcaScorer(PcaModel model) : model_(std::move(model)) {
  for (const std::vector<double>& c : model_.components) {
    flat_components_.insert(flat_components_.end(), c.begin(), c.end());
  }
}

double PcaScorer::Standardised(const double* row, size_t i) const {
  const double x = row[i];
  // Missing or broken values are imputed with the training mean: they add nothing to T² or Q.
  if (!std::isfinite(x)) return 0.0;
  return (x - model_.means[i]) / model_.scales[i];
}

void PcaScorer::Statistics(const double* row, double* t2, double* q) const {
  const size_t d = num_features();
  const size_t k = model_.variances.size();
  double norm2 = 0;
  for (size_t i = 0; i < d; ++i) {
    const double z = Standardised(row, i);
    norm2 += z * z;
  }
  double t2_sum = 0;
  double explained = 0;
  for (size_t j = 0; j < k; ++j) {
    const double* p = &flat_components_[j * d];
    double t = 0;
    for (size_t i = 0; i < d; ++i) t += p[i] * Standardised(row, i);
    t2_sum += t * t / model_.variances[j];
    explained += t * t;
  }
  *t2 = t2_sum;
  // |z|² - |t|² is |residual|² because the components are orthonormal; rounding can take it a
  // hair below zero.
  *q = std::max(0.0, norm2 - explained);
}

double PcaScorer::Score(const double* row) const {
  double t2 = 0;
  double q = 0;
  Statistics(row, &t2, &q);
  return std::max(t2 / model_.t2_limit, q / model_.q_limit);
}

void PcaScorer::ScoreBatch(const double* rows, size_t n_rows, double* out) const {
  const size_t d = num_features();
  for (size_t r = 0; r < n_rows; ++r) out[r] = Score(rows + r * d);
}

Status PcaScorer::Contributions(const double* row, double* out) const {
  const size_t d = num_features();
  const size_t k = model_.variances.size();
  std::vector<double> t(k, 0.0);
  for (size_t j = 0; j < k; ++j) {
    const double* p = &flat_components_[j * d];
    for (size_t i = 0; i < d; ++i) t[j] += p[i] * Standardised(row, i);
  }
  for (size_t i = 0; i < d; ++i) {
    double r = Standardised(row, i);
    for (size_t j = 0; j < k; ++j) r -= flat_components_[j * d + i] * t[j];
    out[i] = r * r / model_.q_limit;
  }
  out[d] = 0.0;
  return Status::Ok();
}

}  // namespace edgeloop::models
