// ValidationGates: the thresholds `edgeloop bundle validate` holds a bundle to, and the gates
// file they are read from (examples/gates.yaml). A plain value.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace edgeloop::bundle {

// Thresholds a bundle must meet. The defaults suit a small edge gateway scoring one row per
// window: a few hundred microseconds per score, tens of MiB for the model.
struct ValidationGates {
  int64_t max_p50_latency_us = 200;
  int64_t max_p99_latency_us = 1000;
  int64_t max_memory_bytes = int64_t{64} << 20;  // RSS growth: bundle files + spec + scorer
  int64_t max_bundle_bytes = int64_t{64} << 20;
  double golden_tolerance = 1e-6;  // largest allowed |golden score - reproduced score|
  int64_t min_golden_rows = 1;
};

// Reads a gates file: a YAML mapping of the field names above to numbers, any subset (missing
// ones keep their defaults), optionally nested under a top-level `gates:` key. Sizes may carry
// a unit: 512KiB, 64MiB, 1GiB. InvalidArgument "<path>:<line>: ..." for unknown keys, values
// that are not non-negative numbers, or text that is not YAML.
Result<ValidationGates> ParseValidationGates(std::string_view text, std::string_view path);

}  // namespace edgeloop::bundle
