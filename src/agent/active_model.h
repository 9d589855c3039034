// ActiveModel: a verified bundle made ready to run — its feature spec, scorer, threshold and
// alert policy, and where each model input sits in the extractor's feature row.
//
// Built once per bundle switch and shared (immutable, thread-safe) by the edge loop, the local
// scoring API and `edgeloop score`. Errors: InvalidArgument when the model's input schema names a
// feature the bundle's spec does not produce.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bundle/manifest.h"
#include "bundle/verifier.h"
#include "features/feature_spec.h"
#include "models/scorer.h"

namespace edgeloop::agent {

struct ActiveModel {
  std::string digest;  // sha256 of the bundle file
  bundle::Manifest manifest;
  features::FeatureSpec spec;
  std::vector<std::string> columns;  // spec.Columns(): the extractor's row
  std::shared_ptr<const models::Scorer> scorer;
  std::vector<size_t> input_from_column;  // model input i = extractor column input_from_column[i]
  double threshold = 0.5;
  bundle::AlertPolicy alert_policy;

  // Health-flag columns of the spec, per process signal (-1 when the signal has no health).
  struct HealthColumns {
    std::string signal;
    int missing = -1;
    int stuck = -1;
    int out_of_range = -1;
  };
  std::vector<HealthColumns> health;
  // Model inputs that are sensor readings' features rather than health flags (__missing,
  // __stuck, __out_of_range): a window where all of these are missing had no data to score.
  std::vector<size_t> data_inputs;

  static Result<std::shared_ptr<const ActiveModel>> FromBundle(bundle::VerifiedBundle bundle);

  const std::string& name() const { return manifest.name; }
  int64_t version() const { return manifest.version; }
  // The model's input row from an extractor row.
  void SelectInputs(const double* column_values, double* inputs) const;
};

}  // namespace edgeloop::agent
