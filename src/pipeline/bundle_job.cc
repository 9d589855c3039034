#include "pipeline/bundle_job.h"

#include <cmath>
#include <limits>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "base/random.h"
#include "base/sha256.h"
#include "bundle/bundle_builder.h"
#include "features/feature_spec.h"
#include "models/isolation_forest_scorer.h"
#include "models/pca_scorer.h"

namespace edgeloop::pipeline {
namespace {

using nlohmann::json;

constexpr size_t kGoldenRows = 64;

// The first 16 hex digits of a digest as a seed.
uint64_t SeedFrom(const std::string& digest) {
  return std::stoull(digest.substr(0, 16), nullptr, 16);
}

// Rows around an anomaly model's standardisation: x = mean + scale * z, where z is a split point
// (in standardised units, nudged to either side) of the feature when it has any and a coin says
// so, and otherwise normal with spread 1, or 4 for every fourth row.
std::vector<std::vector<double>> GoldenRowsAround(const std::vector<double>& means,
                                                  const std::vector<double>& scales,
                                                  const std::vector<std::vector<double>>& splits,
                                                  size_t count, uint64_t seed) {
  Random random(seed);
  const size_t d = means.size();
  std::vector<std::vector<double>> rows(count, std::vector<double>(d));
  for (size_t i = 0; i < count; ++i) {
    const double spread = i % 4 == 3 ? 4.0 : 1.0;
    for (size_t f = 0; f < d; ++f) {
      double z;
      if (random.Bernoulli(0.05)) {
        rows[i][f] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      if (!splits[f].empty() && random.Bernoulli(0.5)) {
        const double at =
            splits[f][random.UniformInt(0, static_cast<int64_t>(splits[f].size()) - 1)];
        const double nudge = (std::abs(at) + 1.0) * 1e-3;
        z = random.Bernoulli(0.5) ? at + nudge : at - nudge;
      } else {
        z = random.Normal(0, spread);
      }
      rows[i][f] = means[f] + scales[f] * z;
    }
  }
  return rows;
}

}  // namespace

std::string BundleModelKind(std::string_view registry_kind) {
  if (registry_kind.empty() || registry_kind.substr(0, 8) == "xgboost:") return "tree_ensemble";
  return std::string(registry_kind);
}

Result<std::vector<std::vector<double>>> GoldenRowsForModel(std::string_view kind,
                                                            const std::string& model_json,
                                                            size_t num_features, size_t count,
                                                            uint64_t seed) {
  if (kind == models::PcaScorer::kKind) {
    Result<std::unique_ptr<models::PcaScorer>> pca = models::PcaScorer::FromJson(model_json);
    if (!pca.ok()) return DataLoss("model: " + pca.status().message());
    const models::PcaModel& m = (*pca)->model();
    return GoldenRowsAround(m.means, m.scales,
                            std::vector<std::vector<double>>(m.means.size()), count, seed);
  }
  if (kind == models::IsolationForestScorer::kKind) {
    Result<std::unique_ptr<models::IsolationForestScorer>> forest =
        models::IsolationForestScorer::FromJson(model_json);
    if (!forest.ok()) return DataLoss("model: " + forest.status().message());
    const models::IsolationForestModel& m = (*forest)->model();
    std::vector<std::vector<double>> splits(m.means.size());
    for (const models::IsolationTree& tree : m.trees) {
      for (size_t node = 0; node < tree.feature.size(); ++node) {
        const int32_t f = tree.feature[node];
        if (f >= 0 && static_cast<size_t>(f) < splits.size()) {
          splits[static_cast<size_t>(f)].push_back(tree.threshold[node]);
        }
      }
    }
    return GoldenRowsAround(m.means, m.scales, splits, count, seed);
  }
  return GoldenRowsFromSplits(model_json, num_features, count, seed);
}

Result<std::vector<std::vector<double>>> GoldenRowsFromSplits(const std::string& model_json,
                                                              size_t num_features, size_t count,
                                                              uint64_t seed) {
  std::vector<std::vector<double>> splits(num_features);
  json model = json::parse(model_json, nullptr, /*allow_exceptions=*/false);
  if (model.is_discarded()) return DataLoss("model: not valid JSON");
  const json* trees = nullptr;
  if (model.contains("learner") && model["learner"].contains("gradient_booster") &&
      model["learner"]["gradient_booster"].contains("model") &&
      model["learner"]["gradient_booster"]["model"].contains("trees")) {
    trees = &model["learner"]["gradient_booster"]["model"]["trees"];
  }
  if (trees == nullptr || !trees->is_array()) return DataLoss("model: no trees");
  for (const json& tree : *trees) {
    const json& indices = tree.value("split_indices", json::array());
    const json& conditions = tree.value("split_conditions", json::array());
    const json& left = tree.value("left_children", json::array());
    for (size_t i = 0; i < indices.size() && i < conditions.size() && i < left.size(); ++i) {
      if (left[i].get<int64_t>() == -1) continue;  // a leaf
      const auto f = indices[i].get<size_t>();
      if (f < num_features) splits[f].push_back(conditions[i].get<double>());
    }
  }
  Random random(seed);
  std::vector<std::vector<double>> rows(count, std::vector<double>(num_features));
  for (auto& row : rows) {
    for (size_t f = 0; f < num_features; ++f) {
      if (random.Bernoulli(0.05)) {
        row[f] = std::numeric_limits<double>::quiet_NaN();
      } else if (splits[f].empty()) {
        row[f] = random.Normal(0, 1);
      } else {
        // A split point, nudged to either side of it.
        const double at = splits[f][random.UniformInt(0, static_cast<int64_t>(splits[f].size()) - 1)];
        const double nudge = (std::abs(at) + 1.0) * 1e-3;
        row[f] = random.Bernoulli(0.5) ? at + nudge : at - nudge;
      }
    }
  }
  return rows;
}

Result<BuiltBundle> BuildBundleForVersion(const std::string& model_ref,
                                          const bundle::SigningKey& key,
                                          store::Workspace& workspace,
                                          registry::Registry& registry) {
  EL_ASSIGN_OR_RETURN(registry::Lineage lineage, registry.GetLineage(model_ref));
  const registry::ModelVersion& version = lineage.version;
  const std::string label = version.model + "@" + std::to_string(version.version);
  if (!lineage.run.has_value()) {
    return FailedPrecondition(label + " was not trained by `edgeloop train` (" + version.source +
                              "), so there is no feature spec to ship with it");
  }
  const registry::Run& run = *lineage.run;
  auto spec_digest = run.inputs.find("feature_spec");
  if (spec_digest == run.inputs.end()) {
    return DataLoss(label + ": run " + run.id + " recorded no feature spec");
  }
  Result<std::string> spec_text = workspace.artifacts().Get(spec_digest->second);
  if (!spec_text.ok()) return spec_text.status().WithContext(label + ": feature spec");
  EL_ASSIGN_OR_RETURN(features::FeatureSpec spec,
                      features::FeatureSpec::Parse(*spec_text, label + " feature spec"));
  Result<std::string> model_json = workspace.artifacts().Get(version.model_digest);
  if (!model_json.ok()) return model_json.status().WithContext(label + ": model");

  bundle::BundleInputs inputs;
  inputs.model_name = version.model;
  inputs.model_version = version.version;
  inputs.model_kind = BundleModelKind(version.kind);
  inputs.model_json = *model_json;
  inputs.feature_names = version.feature_names;
  inputs.feature_spec = spec;
  inputs.threshold = version.threshold.value_or(0.5);
  inputs.run_id = run.id;
  auto dataset = run.inputs.find("dataset");
  if (dataset != run.inputs.end()) inputs.dataset_digest = dataset->second;
  json metrics = json::parse(run.metrics_json, nullptr, /*allow_exceptions=*/false);
  if (!metrics.is_discarded() && metrics.contains("alert") && metrics["alert"].is_object()) {
    const json& alert = metrics["alert"];
    inputs.alert_policy.k = alert.value("k", 1);
    inputs.alert_policy.n = alert.value("n", 1);
    inputs.alert_policy.cooldown_ms =
        static_cast<int64_t>(std::llround(alert.value("cooldown_hours", 0.0) * 3'600'000.0));
  }
  auto reference = run.inputs.find("reference");
  if (reference != run.inputs.end()) {
    Result<std::string> text = workspace.artifacts().Get(reference->second);
    if (!text.ok()) return text.status().WithContext(label + ": reference histograms");
    json doc = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.contains("histograms") || !doc["histograms"].is_array()) {
      return DataLoss(label + ": reference histograms of run " + run.id + " do not parse");
    }
    try {
      for (const json& h : doc["histograms"]) {
        bundle::ReferenceHistogram r;
        r.feature = h.at("feature").get<std::string>();
        r.edges = h.at("edges").get<std::vector<double>>();
        r.counts = h.at("counts").get<std::vector<int64_t>>();
        if (!r.counts.empty()) inputs.reference_histograms.push_back(std::move(r));
      }
    } catch (const json::exception& e) {
      return DataLoss(label + ": reference histograms of run " + run.id + ": " + e.what());
    }
  }
  EL_ASSIGN_OR_RETURN(inputs.golden_rows,
                      GoldenRowsForModel(inputs.model_kind, *model_json,
                                         version.feature_names.size(), kGoldenRows,
                                         SeedFrom(version.model_digest)));
  // The version's registration time, not the clock: the same version gives the same bytes.
  inputs.created_ms = version.created_ms;

  EL_ASSIGN_OR_RETURN(std::string bytes, bundle::BuildBundle(inputs, key));
  EL_ASSIGN_OR_RETURN(std::string digest, workspace.artifacts().Put(bytes));
  return BuiltBundle{std::move(bytes), std::move(digest), version};
}

}  // namespace edgeloop::pipeline
