// Name rules of the registry. Names appear in URLs, file names and shell commands, so they are
// lowercase and free of spaces and slashes. Each check returns InvalidArgument with a message
// that quotes the name and states the rule.
#pragma once

#include <string_view>

#include "base/status.h"

namespace edgeloop::registry {

constexpr size_t kMaxNameLength = 128;

// Models and datasets: [a-z0-9][a-z0-9._-]*, at most kMaxNameLength characters.
Status ValidateModelName(std::string_view name);
Status ValidateDatasetName(std::string_view name);
// Aliases: [a-z][a-z0-9_-]*, at most 64 characters; "latest" is reserved (it means the newest
// version in a model reference).
Status ValidateAliasName(std::string_view alias);
// Run kinds, triggers and input names: [a-z0-9_]+ (kinds and triggers may also use '-').
Status ValidateRunLabel(std::string_view what, std::string_view label);

}  // namespace edgeloop::registry
