// Dataset: the labelled, split view of one FeatureTable and its events that a training run uses,
// and the content digest that names the inputs.
//
// A Dataset does not copy the table: its row indices point into the FeatureTable it was made
// from, which the caller keeps alive and unchanged. The rows are split three ways:
//   - test: the outer split (split.h) on the rows that are not excluded;
//   - validation: carved from the outer training rows the same way (by asset for an asset
//     split, by time otherwise, with the same horizon gap) with validation_fraction, seed + 1;
//   - train: the rest of the outer training rows, which fit the model.
// For RUL regression, rows with a censored (NaN) RUL are left out, and under a time split the
// train (validation) rows whose RUL label reaches past the validation (test) cutoff are dropped,
// since that label was read from the future.
//
// DatasetDigest is the SHA-256 of a canonical byte serialization: a format tag, column names,
// then per row (in table order) the asset, the window end and the bit patterns of the values,
// then the events sorted by (asset, time, kind, failure mode). Equal inputs give equal digests;
// any changed name, time, value bit or event changes it; the order of events does not.
// Pure functions; thread-safe. MakeDataset returns the errors of MakeLabels and MakeSplit.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "base/status.h"
#include "features/feature_table.h"
#include "io/event.h"
#include "training/labels.h"
#include "training/split.h"

namespace edgeloop::training {

struct DatasetOptions {
  LabelConfig labels;
  SplitConfig split;
  double validation_fraction = 0.2;  // 0: no validation rows
  bool regression = false;
};

struct Dataset {
  Labels labels;
  std::vector<size_t> train;       // fit the model
  std::vector<size_t> validation;  // choose the threshold
  std::vector<size_t> test;        // the final evaluation, seen once
  Split outer;                     // cutoff and test assets of the train/test split
  std::string digest;              // DatasetDigest of the table and events
};

std::string DatasetDigest(const features::FeatureTable& table,
                          const std::vector<io::Event>& events);

Result<Dataset> MakeDataset(const features::FeatureTable& table,
                            const std::vector<io::Event>& events, const DatasetOptions& options);

}  // namespace edgeloop::training
