// TagSelector: which devices a deployment, a listing or a gate is about, written over tags.
//
//   ring=test,site=north          every requirement must hold (AND)
//   ring!=production              the key is missing or has another value
//   gpu                           the key exists, whatever its value
//   site in (north, south)        the value is one of the listed ones
//
// Terms are separated by ',' (a comma inside "in (...)" belongs to the list); spaces around
// tokens are ignored. Keys and values follow fleet_names.h. An empty text selects everything.
// Matching sees a device's tags plus its own "id" and "site" (see fleet_names.h).
//
// Parse errors are InvalidArgument naming the selector and the 1-based character position:
//   tag selector 'ring=,x': at character 6: expected a tag value after '='
// Plain value; thread-compatible.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace edgeloop::rollout {

struct TagRequirement {
  enum class Op { kEquals, kNotEquals, kExists, kIn };
  std::string key;
  Op op = Op::kExists;
  std::vector<std::string> values;  // one for kEquals/kNotEquals, one or more for kIn

  bool operator==(const TagRequirement& other) const = default;
};

class TagSelector {
 public:
  TagSelector() = default;  // selects everything

  static Result<TagSelector> Parse(std::string_view text);

  bool Matches(const std::map<std::string, std::string>& labels) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<TagRequirement>& requirements() const { return requirements_; }

  // Canonical text that parses back to the same selector ("ring=test,site in (north,south)").
  std::string ToString() const;

 private:
  explicit TagSelector(std::vector<TagRequirement> requirements)
      : requirements_(std::move(requirements)) {}

  std::vector<TagRequirement> requirements_;
};

}  // namespace edgeloop::rollout
