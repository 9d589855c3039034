#include "registry/internal/json_text.h"

#include <nlohmann/json.hpp>

namespace edgeloop::registry::internal {

Result<std::string> CanonicalJsonObject(std::string_view text, std::string_view what) {
  if (text.empty()) return std::string("{}");
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return InvalidArgument(std::string(what) +
                           " is not valid JSON: " + std::string(text.substr(0, 80)));
  }
  if (!parsed.is_object()) {
    return InvalidArgument(std::string(what) + " must be a JSON object ({...}), got " +
                           parsed.type_name());
  }
  try {
    return parsed.dump();
  } catch (const nlohmann::json::exception& e) {
    // dump() throws on strings that are not UTF-8.
    return InvalidArgument(std::string(what) + ": " + e.what());
  }
}

std::string StringsToJson(const std::vector<std::string>& values) {
  nlohmann::json array = nlohmann::json::array();
  for (const std::string& v : values) array.push_back(v);
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::vector<std::string>> StringsFromJson(std::string_view text, std::string_view what) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_array()) {
    return DataLoss(std::string(what) + " is not a JSON array in the database");
  }
  std::vector<std::string> values;
  for (const nlohmann::json& v : parsed) {
    if (!v.is_string()) return DataLoss(std::string(what) + " holds a value that is not a string");
    values.push_back(v.get<std::string>());
  }
  return values;
}

}  // namespace edgeloop::registry::internal
