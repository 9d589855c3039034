#include "base/time_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace edgeloop {
namespace {

// Howard Hinnant's civil-from-days, valid for the whole int64 range we use.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

bool ReadInt(std::string_view s, size_t pos, size_t len, int64_t* out) {
  if (pos + len > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

Status BadTimestamp(std::string_view text) {
  return InvalidArgument("'" + std::string(text) +
                         "' is not a timestamp (expected e.g. 2026-01-01T00:00:00Z)");
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Result<int64_t> ParseTimestamp(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"' || s.back() == '\r')) s.remove_suffix(1);
  int64_t year, month, day, hour = 0, minute = 0, second = 0, millis = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !ReadInt(s, 0, 4, &year) ||
      !ReadInt(s, 5, 2, &month) || !ReadInt(s, 8, 2, &day)) {
    return BadTimestamp(text);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return BadTimestamp(text);
  size_t pos = 10;
  int64_t offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != ' ') return BadTimestamp(text);
    ++pos;
    if (!ReadInt(s, pos, 2, &hour) || pos + 2 >= s.size() || s[pos + 2] != ':' ||
        !ReadInt(s, pos + 3, 2, &minute)) {
      return BadTimestamp(text);
    }
    pos += 5;
    if (pos < s.size() && s[pos] == ':') {
      if (!ReadInt(s, pos + 1, 2, &second)) return BadTimestamp(text);
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int64_t scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          millis += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return BadTimestamp(text);
    if (pos < s.size()) {
      if (s[pos] == 'Z' && pos + 1 == s.size()) {
        pos = s.size();
      } else if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 && s[pos + 3] == ':') {
        int64_t oh, om;
        if (!ReadInt(s, pos + 1, 2, &oh) || !ReadInt(s, pos + 4, 2, &om)) return BadTimestamp(text);
        offset_minutes = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
        pos = s.size();
      } else {
        return BadTimestamp(text);
      }
    }
  }
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * kMillisPerDay + hour * kMillisPerHour + minute * kMillisPerMinute +
         second * kMillisPerSecond + millis - offset_minutes * kMillisPerMinute;
}

std::string FormatTimestamp(int64_t millis) {
  int64_t days = millis / kMillisPerDay;
  int64_t rem = millis % kMillisPerDay;
  if (rem < 0) {
    rem += kMillisPerDay;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  const int hh = static_cast<int>(rem / kMillisPerHour);
  const int mm = static_cast<int>(rem % kMillisPerHour / kMillisPerMinute);
  const int ss = static_cast<int>(rem % kMillisPerMinute / kMillisPerSecond);
  const int ms = static_cast<int>(rem % kMillisPerSecond);
  char buf[40];
  if (ms != 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<long long>(y), m, d, hh, mm, ss, ms);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y),
                  m, d, hh, mm, ss);
  }
  return buf;
}

Result<int64_t> ParseDuration(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  if (i == 0) {
    return InvalidArgument("'" + std::string(text) + "' is not a duration (expected e.g. 10m, 6h, 7d)");
  }
  double number = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + i, number);
  if (ec != std::errc() || ptr != s.data() + i || !(number >= 0)) {
    return InvalidArgument("'" + std::string(text) + "' is not a duration");
  }
  std::string_view unit = s.substr(i);
  double scale;
  if (unit.empty() || unit == "s") scale = kMillisPerSecond;
  else if (unit == "ms") scale = 1;
  else if (unit == "m" || unit == "min") scale = kMillisPerMinute;
  else if (unit == "h") scale = kMillisPerHour;
  else if (unit == "d") scale = kMillisPerDay;
  else if (unit == "w") scale = 7 * kMillisPerDay;
  else {
    return InvalidArgument("'" + std::string(text) +
                           "': unknown duration unit (use ms, s, m, h, d or w)");
  }
  return static_cast<int64_t>(std::llround(number * scale));
}

std::string FormatDuration(int64_t millis) {
  if (millis == 0) return "0s";
  std::string out;
  if (millis < 0) {
    out = "-";
    millis = -millis;
  }
  if (millis < kMillisPerSecond) return out + std::to_string(millis) + "ms";
  const struct { int64_t size; const char* unit; } units[] = {
      {kMillisPerDay, "d"}, {kMillisPerHour, "h"}, {kMillisPerMinute, "m"}, {kMillisPerSecond, "s"}};
  int parts = 0;
  for (const auto& u : units) {
    if (millis >= u.size && parts < 2) {
      if (parts) out += " ";
      out += std::to_string(millis / u.size) + u.unit;
      millis %= u.size;
      ++parts;
    } else if (parts) {
      ++parts;  // only two adjacent units: "1d 2h", never "1d 5s"
    }
  }
  return out;
}

}  // namespace edgeloop
