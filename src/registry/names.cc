#include "registry/names.h"

#include <string>

namespace edgeloop::registry {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

Status ValidateObjectName(std::string_view what, std::string_view name) {
  const std::string quoted = std::string(what) + " name '" + std::string(name) + "'";
  if (name.empty()) return InvalidArgument(std::string(what) + " name is empty");
  if (name.size() > kMaxNameLength) {
    return InvalidArgument(quoted + " is longer than " + std::to_string(kMaxNameLength) +
                           " characters");
  }
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

}  // namespace

Status ValidateModelName(std::string_view name) { return ValidateObjectName("model", name); }

Status ValidateDatasetName(std::string_view name) { return ValidateObjectName("dataset", name); }

Status ValidateAliasName(std::string_view alias) {
  const std::string quoted = "alias '" + std::string(alias) + "'";
  if (alias.empty()) return InvalidArgument("alias name is empty");
  if (alias.size() > 64) return InvalidArgument(quoted + " is longer than 64 characters");
  if (alias[0] < 'a' || alias[0] > 'z') {
    return InvalidArgument(quoted + " must start with a lowercase letter");
  }
  for (char c : alias) {
    if (!IsLowerAlnum(c) && c != '_' && c != '-') {
      return InvalidArgument(quoted + " may contain only lowercase letters, digits, '_' and '-'");
    }
  }
  if (alias == "latest") {
    return InvalidArgument(
        "alias 'latest' is reserved: NAME@latest always means the newest version");
  }
  return Status::Ok();
}

Status ValidateRunLabel(std::string_view what, std::string_view label) {
  if (label.empty()) return InvalidArgument(std::string(what) + " is empty");
  for (char c : label) {
    if (!IsLowerAlnum(c) && c != '_' && c != '-') {
      return InvalidArgument(std::string(what) + " '" + std::string(label) +
                             "' may contain only lowercase letters, digits, '_' and '-'");
    }
  }
  return Status::Ok();
}

}  // namespace edgeloop::registry
