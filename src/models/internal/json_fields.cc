#include "models/internal/json_fields.h"

#include <cmath>

namespace edgeloop::models::internal {
namespace {

using nlohmann::json;

Result<const json*> Field(const json& doc, std::string_view key, std::string_view what) {
  auto it = doc.find(std::string(key));
  if (it == doc.end()) return InvalidArgument(std::string(what) + ": " + std::string(key) + " is missing");
  return &*it;
}

Status Expected(std::string_view what, std::string_view key, std::string_view expected) {
  return InvalidArgument(std::string(what) + ": " + std::string(key) + " is not " +
                         std::string(expected));
}

}  // namespace

Result<double> JsonDouble(const json& doc, std::string_view key, std::string_view what) {
  EL_ASSIGN_OR_RETURN(const json* v, Field(doc, key, what));
  if (!v->is_number() || !std::isfinite(v->get<double>())) {
    return Expected(what, key, "a finite number");
  }
  return v->get<double>();
}

Result<int64_t> JsonInt(const json& doc, std::string_view key, std::string_view what) {
  EL_ASSIGN_OR_RETURN(const json* v, Field(doc, key, what));
  if (!v->is_number_integer()) return Expected(what, key, "an integer");
  return v->get<int64_t>();
}

Result<std::vector<double>> JsonDoubles(const json& doc, std::string_view key,
                                        std::string_view what) {
  EL_ASSIGN_OR_RETURN(const json* v, Field(doc, key, what));
  if (!v->is_array()) return Expected(what, key, "an array of numbers");
  std::vector<double> out;
  out.reserve(v->size());
  for (const json& e : *v) {
    if (!e.is_number() || !std::isfinite(e.get<double>())) {
      return Expected(what, key, "an array of finite numbers");
    }
    out.push_back(e.get<double>());
  }
  return out;
}

Result<std::vector<int64_t>> JsonInts(const json& doc, std::string_view key,
                                      std::string_view what) {
  EL_ASSIGN_OR_RETURN(const json* v, Field(doc, key, what));
  if (!v->is_array()) return Expected(what, key, "an array of integers");
  std::vector<int64_t> out;
  out.reserve(v->size());
  for (const json& e : *v) {
    if (!e.is_number_integer()) return Expected(what, key, "an array of integers");
    out.push_back(e.get<int64_t>());
  }
  return out;
}

Result<std::vector<std::string>> JsonStrings(const json& doc, std::string_view key,
                                             std::string_view what) {
  EL_ASSIGN_OR_RETURN(const json* v, Field(doc, key, what));
  if (!v->is_array()) return Expected(what, key, "an array of strings");
  std::vector<std::string> out;
  for (const json& e : *v) {
    if (!e.is_string()) return Expected(what, key, "an array of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

Result<json> ParseJsonObject(std::string_view text, std::string_view what) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgument(std::string(what) + ": not a JSON object");
  }
  return doc;
}

Status CheckFormat(const json& doc, std::string_view format, int version, std::string_view what) {
  auto f = doc.find("format");
  if (f == doc.end() || !f->is_string() || f->get<std::string>() != format) {
    return InvalidArgument(std::string(what) + ": format is not \"" + std::string(format) + "\"");
  }
  EL_ASSIGN_OR_RETURN(int64_t v, JsonInt(doc, "version", what));
  if (v != version) {
    return InvalidArgument(std::string(what) + ": version " + std::to_string(v) +
                           " is not supported (expected " + std::to_string(version) + ")");
  }
  return Status::Ok();
}

}  // namespace edgeloop::models::internal
