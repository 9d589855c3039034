// ValidateBundle: decides whether a bundle is fit to roll out on this kind of machine, and
// says why in a report.
//
// It verifies the bundle (VerifyBundle: signature, seal, every file's sha256, feature spec,
// model, golden outputs), then profiles it: the largest absolute difference between the golden
// scores and the scorer's, single-row Score latency (every golden row, repeated
// latency_iterations times, timed with the Clock's MonotonicNanos; p50 and p99 by nearest
// rank), batch scoring time per row, the resident-memory growth while the bundle is verified
// and its scorer built and run (plus the process's peak), and the file size. Each measurement
// meets a gate from ValidationGates; the report passes when verification and every gate pass.
// A failed verification is not an error: the report records it as the failed check (worded as
// VerifyBundle words it) and has no measurements.
//
// Stateless and thread-safe (given a thread-safe Clock and memory probe). Errors: only from the
// memory probe (IoError / DataLoss from ReadProcessMemory).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/process_memory.h"
#include "base/status.h"
#include "bundle/bundle_reader.h"
#include "bundle/signing_key.h"
#include "bundle/validation_gates.h"

namespace edgeloop::bundle {

// One measured gate. Passed when value <= limit (comparison "<=") or value >= limit (">=").
struct GateResult {
  std::string name;  // "p50_latency", "p99_latency", "memory", "bundle_size", "golden_error",
                     // "golden_rows"
  bool passed = false;
  double value = 0;
  double limit = 0;
  std::string unit;  // "us", "bytes", "rows", "" (absolute score difference)
  std::string comparison = "<=";
};

struct ValidationReport {
  std::string bundle_digest;  // sha256 of the bundle file
  int64_t bundle_bytes = 0;
  // Verification.
  bool verified = false;
  Status verification;       // OK, or VerifyBundle's error (PermissionDenied / DataLoss / ...)
  std::string failed_check;  // the check VerifyBundle names, "" when verified
  // From the verified manifest.
  std::string model;
  int64_t version = 0;
  std::string model_kind;
  std::string signer_key_id;
  // Measurements (when verified).
  int64_t golden_rows = 0;
  double golden_max_abs_error = 0;
  int latency_iterations = 0;
  double p50_latency_us = 0;
  double p99_latency_us = 0;
  double batch_per_row_us = 0;
  int64_t memory_bytes = 0;    // RSS growth while verifying, loading and scoring
  int64_t peak_rss_bytes = 0;  // the process's high-water mark afterwards
  std::vector<GateResult> gates;
  bool passed = false;  // verified and every gate passed

  // Canonical JSON (sorted keys, no whitespace, shortest round-trip numbers), no newline.
  std::string ToJson() const;
};

// A readable, multi-line rendering for terminals.
std::string RenderReport(const ValidationReport& report);

struct ValidationOptions {
  int latency_iterations = 200;  // passes over the golden rows for the latency percentiles
  UnpackLimits limits;
  // Reads the process's memory; tests script it. Defaults to ReadProcessMemory.
  std::function<Result<ProcessMemory>()> read_memory;
};

Result<ValidationReport> ValidateBundle(std::string_view bytes,
                                        const std::vector<PublicKey>& trusted,
                                        const ValidationGates& gates, const Clock& clock,
                                        const ValidationOptions& options = {});

}  // namespace edgeloop::bundle
