// Probation: how a newly switched bundle earns its place on a device.
//
// After a switch the agent watches the first `windows` scored windows of the new bundle: the
// share of scores that are NaN or infinite, and the 99th percentile of scoring latency. Then it
// decides: pass (the bundle stays, probation ends) or fail (the agent rolls back to the
// previous bundle and rejects this one). Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace edgeloop::agent {

struct ProbationPolicy {
  int64_t windows = 20;             // scored windows to watch
  double max_error_rate = 0.0;      // share of non-finite scores allowed
  int64_t max_p99_latency_us = 50'000;
};

class Probation {
 public:
  enum class Verdict { kPending, kPass, kFail };

  explicit Probation(ProbationPolicy policy) : policy_(policy) {}

  void Observe(double score, int64_t latency_nanos);
  Verdict verdict() const;
  // Why it failed (or how it passed), e.g. "3 of 20 scores were not finite (limit 0)".
  std::string Explain() const;
  int64_t observed() const { return static_cast<int64_t>(latencies_.size()); }

 private:
  int64_t P99Micros() const;

  ProbationPolicy policy_;
  int64_t errors_ = 0;
  std::vector<int64_t> latencies_;
};

}  // namespace edgeloop::agent
