// Small string helpers used across modules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace edgeloop {

std::vector<std::string_view> Split(std::string_view text, char sep);
std::string_view Trim(std::string_view text);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);
std::string ToLower(std::string_view text);

// Strict number parsing: the whole text must be a number ("nan", "NaN" and "" give NaN for
// ParseDouble only when allow_missing is set).
Result<double> ParseDouble(std::string_view text, bool allow_missing = false);
Result<int64_t> ParseInt(std::string_view text);

// Shortest text that reads back as the same double ("0.1", "1e-07", "nan").
std::string FormatDouble(double value);

}  // namespace edgeloop
