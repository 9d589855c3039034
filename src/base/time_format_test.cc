#include "base/time_format.h"

#include <gtest/gtest.h>

namespace edgeloop {
namespace {

TEST(TimeFormat, ParsesIsoForms) {
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseTimestamp("2026-01-01T00:00:00Z"), 1767225600000);
  EXPECT_EQ(*ParseTimestamp("2026-01-01 00:00:00"), 1767225600000);
  EXPECT_EQ(*ParseTimestamp("2026-01-01"), 1767225600000);
  EXPECT_EQ(*ParseTimestamp("2026-01-01T00:00:00.250Z"), 1767225600250);
  EXPECT_EQ(*ParseTimestamp("2026-01-01T02:00:00+02:00"), 1767225600000);
}

TEST(TimeFormat, RoundTrips) {
  for (int64_t t : {int64_t{0}, int64_t{1767225600000}, int64_t{1767225600250},
                    int64_t{951782400000} /* 2000-02-29 */}) {
    EXPECT_EQ(*ParseTimestamp(FormatTimestamp(t)), t) << FormatTimestamp(t);
  }
  EXPECT_EQ(FormatTimestamp(1767225600250), "2026-01-01T00:00:00.250Z");
}

TEST(TimeFormat, RejectsGarbageWithTheText) {
  for (const char* bad : {"", "2026", "2026-13-01", "2026-01-01T25:00:00Z", "yesterday",
                          "2026-01-01T00:00:00Q"}) {
    Result<int64_t> r = ParseTimestamp(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_NE(ParseTimestamp("yesterday").status().message().find("yesterday"), std::string::npos);
}

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(*ParseDuration("500ms"), 500);
  EXPECT_EQ(*ParseDuration("30"), 30000);
  EXPECT_EQ(*ParseDuration("10m"), 600000);
  EXPECT_EQ(*ParseDuration("1.5h"), 5400000);
  EXPECT_EQ(*ParseDuration("7d"), 7 * kMillisPerDay);
  EXPECT_FALSE(ParseDuration("10 parsecs").ok());
  EXPECT_FALSE(ParseDuration("h").ok());
}

TEST(Duration, FormatsTwoUnitsAtMost) {
  EXPECT_EQ(FormatDuration(kMillisPerDay + 2 * kMillisPerHour + 5000), "1d 2h");
  EXPECT_EQ(FormatDuration(10 * kMillisPerMinute), "10m");
  EXPECT_EQ(FormatDuration(250), "250ms");
}

}  // namespace
}  // namespace edgeloop
