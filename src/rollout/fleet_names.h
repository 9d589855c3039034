// Name rules of the fleet: device ids, tag keys and values, asset ids.
//
// Device ids follow the registry's name rule (they appear in URLs, file names and shell
// commands): [a-z0-9][a-z0-9._-]*, at most kMaxNameLength characters. Tag keys use the same
// rule; tag values and sites are [A-Za-z0-9._:/-]+ (so "model=ESP-400" works) and never contain
// the selector's own punctuation (',', '=', '!', '(', ')', spaces). Asset ids are
// [A-Za-z0-9._:-]+ ("P003"). The tag keys "id" and "site" are reserved: a selector reads them
// as the device's id and site. Each check returns InvalidArgument quoting the name and the rule.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/status.h"

namespace edgeloop::rollout {

inline constexpr size_t kMaxNameLength = 128;

Status ValidateDeviceId(std::string_view id);
Status ValidateTagKey(std::string_view key);
Status ValidateTagValue(std::string_view key, std::string_view value);
Status ValidateSite(std::string_view site);
Status ValidateAssetId(std::string_view asset);
// A key a device's tags may carry: a valid key that is not reserved.
Status ValidateOwnTagKey(std::string_view key);

}  // namespace edgeloop::rollout
