// NaiveExtractFeatures: a deliberately simple reference for the process-rate window features.
//
// For every window it re-scans the window's samples twice (first the mean, then the central
// moments), with none of WindowExtractor's block bookkeeping, so tests can check the fast
// extractor against it and the benchmark can show what the blocks save. It emits the same
// windows and columns as ExtractFeatures for a spec without spectral signals.
// InvalidArgument for a spec with spectral signals, malformed readings or readings that lack a
// signal of the spec. Stateless; thread-safe.
#pragma once

#include "base/readings.h"
#include "base/status.h"
#include "features/feature_spec.h"
#include "features/feature_table.h"

namespace edgeloop::features {

Result<FeatureTable> NaiveExtractFeatures(const FeatureSpec& spec, const AssetReadings& readings);

}  // namespace edgeloop::features
