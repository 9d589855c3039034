#include "agent/probation.h"

#include <algorithm>
#include <cmath>

namespace edgeloop::agent {

void Probation::Observe(double score, int64_t latency_nanos) {
  if (static_cast<int64_t>(latencies_.size()) >= policy_.windows) return;
  if (!std::isfinite(score)) ++errors_;
  latencies_.push_back(latency_nanos);
}

int64_t Probation::P99Micros() const {
  if (latencies_.empty()) return 0;
  std::vector<int64_t> sorted = latencies_;
  std::sort(sorted.begin(), sorted.end());
  size_t index = static_cast<size_t>(std::ceil(0.99 * static_cast<double>(sorted.size()))) - 1;
  return sorted[std::min(index, sorted.size() - 1)] / 1000;
}

Probation::Verdict Probation::verdict() const {
  if (static_cast<int64_t>(latencies_.size()) < policy_.windows) return Verdict::kPending;
  const double error_rate = static_cast<double>(errors_) / static_cast<double>(latencies_.size());
  if (error_rate > policy_.max_error_rate) return Verdict::kFail;
  if (P99Micros() > policy_.max_p99_latency_us) return Verdict::kFail;
  return Verdict::kPass;
}

std::string Probation::Explain() const {
  return std::to_string(errors_) + " of " + std::to_string(latencies_.size()) +
         " scores were not finite (limit " + std::to_string(policy_.max_error_rate) +
         "), p99 scoring latency " + std::to_string(P99Micros()) + " us (limit " +
         std::to_string(policy_.max_p99_latency_us) + " us)";
}

}  // namespace edgeloop::agent
