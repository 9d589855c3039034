#include "rollout/internal/record_facts.h"

#include "api/records.h"

namespace edgeloop::rollout::internal {
namespace {

template <typename T>
Result<T> Checked(Result<T> parsed, const api::SyncRecord& record) {
  if (parsed.ok()) return parsed;
  return InvalidArgument("record " + std::to_string(record.seq) + " (" +
                         std::string(api::RecordKindName(record.kind)) +
                         "): " + parsed.status().message());
}

}  // namespace

Result<RecordFacts> ReadRecordFacts(const api::SyncRecord& record) {
  RecordFacts facts;
  switch (record.kind) {
    case api::RecordKind::kFeatures: {
      EL_ASSIGN_OR_RETURN(api::FeatureRecord r,
                          Checked(api::ParseFeatureRecord(record.body), record));
      facts.asset = std::move(r.asset);
      break;
    }
    case api::RecordKind::kScore: {
      EL_ASSIGN_OR_RETURN(api::ScoreRecord r, Checked(api::ParseScoreRecord(record.body), record));
      facts.asset = std::move(r.asset);
      facts.bundle_digest = std::move(r.bundle_digest);
      break;
    }
    case api::RecordKind::kHealth: {
      EL_ASSIGN_OR_RETURN(api::HealthRecord r,
                          Checked(api::ParseHealthRecord(record.body), record));
      facts.asset = std::move(r.asset);
      break;
    }
    case api::RecordKind::kAlert: {
      EL_ASSIGN_OR_RETURN(api::AlertRecord r, Checked(api::ParseAlertRecord(record.body), record));
      facts.asset = std::move(r.asset);
      facts.bundle_digest = std::move(r.bundle_digest);
      facts.alert_state = std::string(api::AlertStateName(r.state));
      break;
    }
  }
  return facts;
}

}  // namespace edgeloop::rollout::internal
