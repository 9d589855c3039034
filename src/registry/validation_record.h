// ValidationRecord: one run of `edgeloop bundle validate` against a model version, as the
// registry keeps it. A version may be validated many times (on several machines, with several
// gates files); each run is a record, newest first when listed. A plain value.
#pragma once

#include <cstdint>
#include <string>

namespace edgeloop::registry {

struct ValidationRecord {
  int64_t id = 0;  // assigned by the registry, increasing
  std::string model;
  int version = 0;
  std::string bundle_digest;  // sha256 of the validated bundle file
  bool passed = false;
  std::string report_json;    // the report as bundle::ValidationReport::ToJson wrote it
  std::string report_digest;  // sha256 of report_json
  int64_t created_ms = 0;
};

}  // namespace edgeloop::registry
