// JsonFields: typed access to the members of a JSON object for wire-format parsers, where every
// error names the document and the dotted path of the field ("score request: rows[2].features:
// expected an object").
//
// Wraps nlohmann::json (kept out of the public wire headers). Numbers may be null, which reads as
// NaN (the wire's "missing"). A view: it refers to the json it was given, which must outlive it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace edgeloop::api {

class JsonFields {
 public:
  JsonFields(const nlohmann::json& object, std::string doc, std::string path = "")
      : object_(object), doc_(std::move(doc)), path_(std::move(path)) {}

  // Parses `text` into `*out`, which must be an object; InvalidArgument names `doc` otherwise.
  static Status ParseObject(std::string_view text, const std::string& doc, nlohmann::json* out);

  std::string Path(std::string_view key) const;
  Status Error(std::string_view key, std::string_view what) const;
  bool Has(std::string_view key) const;

  Result<std::string> String(std::string_view key) const;
  Result<int64_t> Int(std::string_view key) const;
  Result<double> Number(std::string_view key) const;  // null -> NaN
  Result<bool> Bool(std::string_view key) const;
  Result<JsonFields> Object(std::string_view key) const;
  Result<const nlohmann::json*> Array(std::string_view key) const;
  Result<std::vector<double>> Numbers(std::string_view key) const;  // nulls -> NaN
  // Fails naming the first member that is not in `known`.
  Status OnlyKnown(const std::vector<std::string_view>& known) const;

  const nlohmann::json& node() const { return object_; }
  const std::string& doc() const { return doc_; }

 private:
  const nlohmann::json& object_;
  std::string doc_;
  std::string path_;
};

// A double for the wire: NaN and infinities become null.
nlohmann::json WireNumber(double value);

}  // namespace edgeloop::api
