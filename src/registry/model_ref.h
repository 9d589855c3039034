// ModelRef: how people and configs name a model version.
//
//   "pump-failure"            the newest version
//   "pump-failure@latest"     the same
//   "pump-failure@3"          version 3
//   "pump-failure@champion"   whatever version the alias points at
//
// Parsing checks the syntax only; Registry::ResolveModelRef looks the version up.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace edgeloop::registry {

struct ModelRef {
  enum class Selector { kLatest, kVersion, kAlias };

  std::string model;
  Selector selector = Selector::kLatest;
  int version = 0;    // for kVersion
  std::string alias;  // for kAlias

  // Back to text: "name", "name@3" or "name@alias".
  std::string ToString() const;
};

// InvalidArgument, quoting `text`, for a bad model name, an empty or malformed selector, or a
// version that is not a positive number.
Result<ModelRef> ParseModelRef(std::string_view text);

}  // namespace edgeloop::registry
