#include "api/json_fields.h"

#include <cmath>
#include <limits>

namespace edgeloop::api {

using nlohmann::json;

Status JsonFields::ParseObject(std::string_view text, const std::string& doc, json* out) {
  json parsed = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return InvalidArgument(doc + ": not valid JSON");
  if (!parsed.is_object()) return InvalidArgument(doc + ": expected a JSON object");
  *out = std::move(parsed);
  return Status::Ok();
}

std::string JsonFields::Path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

Status JsonFields::Error(std::string_view key, std::string_view what) const {
  return InvalidArgument(doc_ + ": " + Path(key) + ": " + std::string(what));
}

bool JsonFields::Has(std::string_view key) const {
  return object_.find(std::string(key)) != object_.end();
}

Result<std::string> JsonFields::String(std::string_view key) const {
  auto it = object_.find(std::string(key));
  if (it == object_.end()) return Error(key, "missing");
  if (!it->is_string()) return Error(key, "expected a string");
  return it->get<std::string>();
}

Result<int64_t> JsonFields::Int(std::string_view key) const {
  auto it = object_.find(std::string(key));
  if (it == object_.end()) return Error(key, "missing");
  if (it->is_number_unsigned()) {
    if (it->get<uint64_t>() > uint64_t{INT64_MAX}) return Error(key, "integer out of range");
    return static_cast<int64_t>(it->get<uint64_t>());
  }
  if (!it->is_number_integer()) return Error(key, "expected an integer");
  return it->get<int64_t>();
}

Result<double> JsonFields::Number(std::string_view key) const {
  auto it = object_.find(std::string(key));
  if (it == object_.end()) return Error(key, "missing");
  if (it->is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!it->is_number()) return Error(key, "expected a number or null");
  return it->get<double>();
}

Result<bool> JsonFields::Bool(std::string_view key) const {
  auto it = object_.find(std::string(key));
  if (it == object_.end()) return Error(key, "missing");
  if (!it->is_boolean()) return Error(key, "expected true or false");
  return it->get<bool>();
}

Result<JsonFields> JsonFields::Object(std::string_view key) const {
  auto it = object_.find(std::string(key));
  if (it == object_.end()) return Error(key, "missing");
  if (!it->is_object()) return Error(key, "expected an object");
  return JsonFields(*it, doc_, Path(key));
}

Result<const json*> JsonFields::Array(std::string_view key) const {
  auto it = object_.find(std::string(key));
  if (it == object_.end()) return Error(key, "missing");
  if (!it->is_array()) return Error(key, "expected an array");
  return &*it;
}

Result<std::vector<double>> JsonFields::Numbers(std::string_view key) const {
  EL_ASSIGN_OR_RETURN(const json* array, Array(key));
  std::vector<double> out;
  out.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    const json& v = (*array)[i];
    if (v.is_null()) {
      out.push_back(std::numeric_limits<double>::quiet_NaN());
    } else if (v.is_number()) {
      out.push_back(v.get<double>());
    } else {
      return Error(std::string(key) + "[" + std::to_string(i) + "]", "expected a number or null");
    }
  }
  return out;
}

Status JsonFields::OnlyKnown(const std::vector<std::string_view>& known) const {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || it.key() == k;
    if (!ok) return Error(it.key(), "unknown field");
  }
  return Status::Ok();
}

json WireNumber(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}

}  // namespace edgeloop::api
