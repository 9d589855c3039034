#include "registry/model_ref.h"

#include "registry/names.h"

namespace edgeloop::registry {

std::string ModelRef::ToString() const {
  switch (selector) {
    case Selector::kLatest:
      return model;
    case Selector::kVersion:
      return model + "@" + std::to_string(version);
    case Selector::kAlias:
      return model + "@" + alias;
  }
  return model;
}

Result<ModelRef> ParseModelRef(std::string_view text) {
  const std::string quoted = "model reference '" + std::string(text) + "'";
  ModelRef ref;
  const size_t at = text.find('@');
  ref.model = std::string(text.substr(0, at));
  Status name_ok = ValidateModelName(ref.model);
  if (!name_ok.ok()) return name_ok.WithContext(quoted);
  if (at == std::string_view::npos) return ref;

  const std::string_view selector = text.substr(at + 1);
  if (selector.empty()) {
    return InvalidArgument(quoted + ": expected NAME@VERSION or NAME@ALIAS after '@'");
  }
  if (selector == "latest") return ref;
  if (selector[0] >= '0' && selector[0] <= '9') {
    int64_t version = 0;
    for (char c : selector) {
      if (c < '0' || c > '9' || version > 1'000'000'000) {
        return InvalidArgument(quoted + ": version '" + std::string(selector) +
                               "' is not a positive whole number");
      }
      version = version * 10 + (c - '0');
    }
    if (version <= 0) return InvalidArgument(quoted + ": versions start at 1");
    ref.selector = ModelRef::Selector::kVersion;
    ref.version = static_cast<int>(version);
    return ref;
  }
  Status alias_ok = ValidateAliasName(selector);
  if (!alias_ok.ok()) return alias_ok.WithContext(quoted);
  ref.selector = ModelRef::Selector::kAlias;
  ref.alias = std::string(selector);
  return ref;
}

}  // namespace edgeloop::registry
