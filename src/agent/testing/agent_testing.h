// Test-only helpers for the agent's tests: a temporary folder that cleans itself up, signed
// bundles built from bundle::testing's fixed inputs (a one-signal spec, window 6h / hop 1h, a
// two-feature tree model), and seeded readings histories whose scores cross the threshold.
// Header-only.
#pragma once

#include <stdlib.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "agent/active_model.h"
#include "base/random.h"
#include "base/readings.h"
#include "base/status.h"
#include "bundle/bundle_builder.h"
#include "bundle/testing/test_bundle.h"
#include "bundle/verifier.h"
#include "models/testing/hand_built_model.h"

namespace edgeloop::agent::testing {

// 2026-01-01T00:00:00Z.
inline constexpr int64_t kStartMs = 1'767'225'600'000;
inline constexpr int64_t kMinuteMs = 60'000;
inline constexpr int64_t kHourMs = 3'600'000;
inline constexpr uint64_t kKeySeed = 7;

// A fresh folder under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "edgeloop-agent-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::vector<bundle::PublicKey> TrustedKeys(uint64_t seed = kKeySeed) {
  return {bundle::testing::TestKey(seed).public_key()};
}

// bundle::testing's two-feature tree (f0 = bearing_temp__mean < 50 ? -0.5 :
// (f1 = bearing_temp__max < 80 ? 0.2 : right_leaf)) with node covers, so TreeSHAP can explain it.
inline std::string ExplainableModelJson(double right_leaf = 1.1) {
  models::testing::HandTree tree;
  tree.split_indices = {0, 0, 1, 0, 0};
  tree.conditions = {50, -0.5, 80, 0.2, right_leaf};
  tree.lefts = {1, -1, 3, -1, -1};
  tree.rights = {2, -1, 4, -1, -1};
  tree.default_left = {1, 0, 0, 0, 0};
  tree.cover = {100, 40, 60, 35, 25};
  return models::testing::ModelJson("binary:logistic", "0.5", 2, {tree});
}

// The test inputs of bundle::testing as model `version`, signed by the key of `key_seed`.
// `right_leaf` changes the model (and so the scores of the windows that reach that leaf).
inline Result<std::string> BuildTestBundle(int64_t version, uint64_t key_seed = kKeySeed,
                                           double right_leaf = 1.1) {
  bundle::BundleInputs in = bundle::testing::TestInputs();
  in.model_version = version;
  in.model_json = ExplainableModelJson(right_leaf);
  return bundle::BuildBundle(in, bundle::testing::TestKey(key_seed));
}

// The ActiveModel a device would run from `bytes`.
inline Result<std::shared_ptr<const ActiveModel>> LoadTestModel(const std::string& bytes) {
  EL_ASSIGN_OR_RETURN(bundle::VerifiedBundle verified, bundle::VerifyBundle(bytes, TrustedKeys()));
  return ActiveModel::FromBundle(std::move(verified));
}

// `assets` assets ("P001", ...) with one bearing_temp reading every 10 minutes for `hours`
// hours from kStartMs. P001 heats up from 30 to 100 degrees; the others swing around 55 with
// a period of about a day, so their windows go over the threshold, clear and come back. A few
// readings are missing (NaN). Seeded: the same arguments give the same readings.
inline std::vector<AssetReadings> TestReadings(int assets, int64_t hours, uint64_t seed) {
  Random random(seed);
  std::vector<AssetReadings> out;
  const int64_t rows = hours * 6;
  for (int a = 0; a < assets; ++a) {
    AssetReadings r;
    r.asset = "P00" + std::to_string(a + 1);
    r.signals = {"bearing_temp"};
    r.values.resize(1);
    const double phase = random.Uniform(0, 6.28);
    for (int64_t i = 0; i < rows; ++i) {
      r.time_ms.push_back(kStartMs + i * 10 * kMinuteMs);
      const double x = static_cast<double>(i) / static_cast<double>(rows);
      double v = a == 0 ? 30 + 70 * x : 55 + 35 * std::sin(phase + static_cast<double>(i) / 22.0);
      v += random.Normal(0, 2);
      if (random.Bernoulli(0.02)) v = std::numeric_limits<double>::quiet_NaN();
      r.values[0].push_back(v);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace edgeloop::agent::testing
