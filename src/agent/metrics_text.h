// Prometheus text exposition (format 0.0.4) of an agent's snapshot: counters end in _total,
// gauges carry the current value, labels name the record kind or the bundle.
#pragma once

#include <string>

#include "agent/edge_agent.h"

namespace edgeloop::agent {

// `rss_bytes` < 0 leaves the process memory gauges out.
std::string RenderPrometheus(const AgentSnapshot& s, int64_t rss_bytes, int64_t peak_rss_bytes);

}  // namespace edgeloop::agent
