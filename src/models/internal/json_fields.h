// Helpers shared by the anomaly model files (PCA, isolation forest): reading typed fields from
// nlohmann JSON with error messages that name the field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace edgeloop::models::internal {

// `doc[key]` as a finite double / int / string / array of them. Errors: InvalidArgument
// "<what>: <key> is missing" or "... is not a finite number" etc.
Result<double> JsonDouble(const nlohmann::json& doc, std::string_view key, std::string_view what);
Result<int64_t> JsonInt(const nlohmann::json& doc, std::string_view key, std::string_view what);
Result<std::vector<double>> JsonDoubles(const nlohmann::json& doc, std::string_view key,
                                        std::string_view what);
Result<std::vector<int64_t>> JsonInts(const nlohmann::json& doc, std::string_view key,
                                      std::string_view what);
Result<std::vector<std::string>> JsonStrings(const nlohmann::json& doc, std::string_view key,
                                             std::string_view what);
// Parses text into an object; InvalidArgument "<what>: not a JSON object: <reason>".
Result<nlohmann::json> ParseJsonObject(std::string_view text, std::string_view what);
// Checks "format" and "version"; InvalidArgument naming what was expected.
Status CheckFormat(const nlohmann::json& doc, std::string_view format, int version,
                   std::string_view what);

}  // namespace edgeloop::models::internal
