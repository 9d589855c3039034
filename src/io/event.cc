#include "io/event.h"

#include "base/strings.h"

namespace edgeloop::io {

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kFailure: return "failure";
    case EventKind::kRepair: return "repair";
    case EventKind::kMaintenance: return "maintenance";
    case EventKind::kInspection: return "inspection";
  }
  return "failure";
}

bool ParseEventKind(std::string_view text, EventKind* kind) {
  const std::string lower = ToLower(Trim(text));
  for (EventKind k : {EventKind::kFailure, EventKind::kRepair, EventKind::kMaintenance,
                      EventKind::kInspection}) {
    if (lower == EventKindName(k)) {
      *kind = k;
      return true;
    }
  }
  return false;
}

}  // namespace edgeloop::io
