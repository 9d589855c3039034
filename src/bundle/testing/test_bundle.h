// Small, fixed bundle inputs for tests: a hand-built two-feature tree ensemble, a one-signal
// feature spec whose columns are the model's features, and a seeded signing key.
// Test-only, header-only.
#pragma once

#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "base/random.h"
#include "bundle/bundle_builder.h"
#include "bundle/signing_key.h"
#include "features/feature_spec.h"
#include "models/testing/hand_built_model.h"

namespace edgeloop::bundle::testing {

inline constexpr char kSpecYaml[] =
    "window: {length: 6h, hop: 1h}\n"
    "period: 10m\n"
    "signals:\n"
    "  - name: bearing_temp\n"
    "    functions: [mean, max]\n";

// root: f0 < 50 ? -0.5 : (f1 < 80 ? 0.2 : 1.1); NaN in f0 goes left.
inline std::string TwoFeatureModelJson(double right_leaf = 1.1) {
  models::testing::HandTree tree;
  tree.split_indices = {0, 0, 1, 0, 0};
  tree.conditions = {50, -0.5, 80, 0.2, right_leaf};
  tree.lefts = {1, -1, 3, -1, -1};
  tree.rights = {2, -1, 4, -1, -1};
  tree.default_left = {1, 0, 0, 0, 0};
  return models::testing::ModelJson("binary:logistic", "0.5", 2, {tree});
}

inline SigningKey TestKey(uint64_t seed) {
  Random random(seed);
  return SigningKey::FromRandom(random);
}

inline BundleInputs TestInputs() {
  BundleInputs in;
  in.model_name = "pump-failure";
  in.model_version = 3;
  in.model_json = TwoFeatureModelJson();
  in.feature_spec = std::move(features::FeatureSpec::Parse(kSpecYaml, "spec.yaml")).value();
  in.feature_names = in.feature_spec.Columns();
  in.threshold = 0.62;
  in.alert_policy = AlertPolicy{2, 3, 6 * 3600 * 1000};
  in.run_id = "run-0123456789ab";
  in.dataset_digest = std::string(64, 'd');
  in.reference_histograms = {ReferenceHistogram{"bearing_temp__mean", {0, 40, 80, 120}, {5, 20, 3}},
                             ReferenceHistogram{"bearing_temp__max", {}, {}}};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  in.golden_rows = {{10, 10}, {60, 70}, {60, 95}, {nan, 99}, {55.5, nan}, {49.999, 80}};
  in.created_ms = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  return in;
}

}  // namespace edgeloop::bundle::testing
