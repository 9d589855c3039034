// Timestamps and durations as people write them.
//
// Timestamps are UTC milliseconds since the Unix epoch. Accepted on input:
// "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.250Z", "2026-01-01 00:00:00" (read as UTC),
// "2026-01-01" and an offset suffix "+02:00". Output is always "YYYY-MM-DDTHH:MM:SSZ", with
// ".mmm" only when the milliseconds are not zero.
// Durations: "500ms", "30s", "10m", "6h", "7d", "2w", or a plain number of seconds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace edgeloop {

constexpr int64_t kMillisPerSecond = 1000;
constexpr int64_t kMillisPerMinute = 60 * kMillisPerSecond;
constexpr int64_t kMillisPerHour = 60 * kMillisPerMinute;
constexpr int64_t kMillisPerDay = 24 * kMillisPerHour;

Result<int64_t> ParseTimestamp(std::string_view text);
std::string FormatTimestamp(int64_t millis);

Result<int64_t> ParseDuration(std::string_view text);  // milliseconds
std::string FormatDuration(int64_t millis);            // "1d 2h", "10m", "250ms"

// Days since 1970-01-01 for a civil date, and back (proleptic Gregorian, no time zone).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

}  // namespace edgeloop
