// Canonical JSON text for the registry's JSON-valued fields. Keeps nlohmann/json out of the
// public headers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace edgeloop::registry::internal {

// `text` parsed and printed back compactly with sorted keys ("" counts as "{}");
// InvalidArgument naming `what` when it is not a JSON object.
Result<std::string> CanonicalJsonObject(std::string_view text, std::string_view what);

std::string StringsToJson(const std::vector<std::string>& values);
// DataLoss naming `what` when `text` is not a JSON array of strings.
Result<std::vector<std::string>> StringsFromJson(std::string_view text, std::string_view what);

}  // namespace edgeloop::registry::internal
