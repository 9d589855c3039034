// Event: a maintenance record, the late ground truth of predictive maintenance.
//
// A failure (with its failure mode) ends a degradation; a repair returns the asset to service;
// maintenance and inspection are planned visits (maintenance resets health, inspection does not).
// events.csv has the header `time,asset,kind,failure_mode`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace edgeloop::io {

enum class EventKind { kFailure, kRepair, kMaintenance, kInspection };

// "failure", "repair", "maintenance", "inspection".
std::string_view EventKindName(EventKind kind);
// Parses the names above (case-insensitive); false when unknown.
bool ParseEventKind(std::string_view text, EventKind* kind);

struct Event {
  int64_t time_ms = 0;
  std::string asset;
  EventKind kind = EventKind::kFailure;
  std::string failure_mode;  // set for failures: bearing_wear, impeller_wear, seal_leak, cavitation, ...
};

}  // namespace edgeloop::io
