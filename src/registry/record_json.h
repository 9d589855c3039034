// JSON views of the registry's records, for `--json` output and REST bodies. Every field of the
// record appears; JSON-valued fields are embedded as objects, times appear both as UTC
// milliseconds ("started_ms") and as text ("started": "2026-01-01T00:00:00Z"), and unset
// optional values are null. Only the .cc includes nlohmann/json.hpp; callers that use the
// returned value include it themselves.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "registry/dataset.h"
#include "registry/model.h"
#include "registry/run.h"

namespace edgeloop::registry {

nlohmann::json RunToJson(const Run& run);
nlohmann::json ModelToJson(const Model& model);
nlohmann::json ModelVersionToJson(const ModelVersion& version);
nlohmann::json DatasetToJson(const Dataset& dataset);
// {"version": {...}, "run": {...} or null}
nlohmann::json LineageToJson(const Lineage& lineage);

}  // namespace edgeloop::registry
