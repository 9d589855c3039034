// RecordFacts: what the server reads out of a synced record's body to index it — the asset, the
// bundle that produced it and, for alerts, the alert's state. Reading a body also checks that it
// is the JSON of its kind (api/records.h), so a malformed record is refused before anything is
// stored. Errors: InvalidArgument naming the record's sequence number and the field.
#pragma once

#include <string>

#include "api/sync.h"
#include "base/status.h"

namespace edgeloop::rollout::internal {

struct RecordFacts {
  std::string asset;
  std::string bundle_digest;  // score and alert records; empty otherwise
  std::string alert_state;    // "raised", "resumed", "cleared"; empty for other kinds
};

Result<RecordFacts> ReadRecordFacts(const api::SyncRecord& record);

}  // namespace edgeloop::rollout::internal
