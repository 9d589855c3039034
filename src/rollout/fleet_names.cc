#include "rollout/fleet_names.h"

#include <string>

namespace edgeloop::rollout {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

Status CheckLength(const std::string& quoted, std::string_view text) {
  if (text.size() > kMaxNameLength) {
    return InvalidArgument(quoted + " is longer than " + std::to_string(kMaxNameLength) +
                           " characters");
  }
  return Status::Ok();
}

Status ValidateLowerName(std::string_view what, std::string_view name) {
  const std::string quoted = std::string(what) + " '" + std::string(name) + "'";
  if (name.empty()) return InvalidArgument(std::string(what) + " is empty");
  EL_RETURN_IF_ERROR(CheckLength(quoted, name));
  if (!IsLowerAlnum(name[0])) {
    return InvalidArgument(quoted + " must start with a lowercase letter or digit");
  }
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '.' && c != '_' && c != '-') {
      return InvalidArgument(quoted +
                             " may contain only lowercase letters, digits, '.', '_' and '-'");
    }
  }
  return Status::Ok();
}

Status ValidateText(const std::string& what, std::string_view text, std::string_view extra,
                    std::string_view extra_described) {
  const std::string quoted = what + " '" + std::string(text) + "'";
  if (text.empty()) return InvalidArgument(what + " is empty");
  EL_RETURN_IF_ERROR(CheckLength(quoted, text));
  for (char c : text) {
    if (!IsAlnum(c) && extra.find(c) == std::string_view::npos) {
      return InvalidArgument(quoted + " may contain only letters, digits and " +
                             std::string(extra_described));
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateDeviceId(std::string_view id) { return ValidateLowerName("device id", id); }

Status ValidateTagKey(std::string_view key) { return ValidateLowerName("tag key", key); }

Status ValidateOwnTagKey(std::string_view key) {
  EL_RETURN_IF_ERROR(ValidateTagKey(key));
  if (key == "id" || key == "site") {
    return InvalidArgument("tag key '" + std::string(key) +
                           "' is reserved: selectors read it as the device's own " +
                           std::string(key));
  }
  return Status::Ok();
}

Status ValidateTagValue(std::string_view key, std::string_view value) {
  return ValidateText("value of tag '" + std::string(key) + "'", value, "._:/-",
                      "'.', '_', ':', '/', '-'");
}

Status ValidateSite(std::string_view site) {
  return ValidateText("site", site, "._:/-", "'.', '_', ':', '/', '-'");
}

Status ValidateAssetId(std::string_view asset) {
  return ValidateText("asset id", asset, "._:-", "'.', '_', ':', '-'");
}

}  // namespace edgeloop::rollout
