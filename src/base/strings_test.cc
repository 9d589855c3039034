#include "base/strings.h"

#include <gtest/gtest.h>

#include <cmath>

namespace edgeloop {
namespace {

TEST(Strings, SplitKeepsEmptyFields) {
  auto parts = Split("a,,b", ',');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], "");
}

TEST(Strings, ParseDoubleIsStrict) {
  EXPECT_EQ(*ParseDouble(" 1.5 "), 1.5);
  EXPECT_FALSE(ParseDouble("1.5x").ok());
  EXPECT_FALSE(ParseDouble("").ok());
  EXPECT_FALSE(ParseDouble("nan").ok());
  EXPECT_TRUE(std::isnan(*ParseDouble("", true)));
  EXPECT_TRUE(std::isnan(*ParseDouble("NaN", true)));
}

TEST(Strings, FormatDoubleRoundTrips) {
  for (double x : {0.1, 1.0 / 3.0, 1e-300, -2.5, 123456789.0}) {
    EXPECT_EQ(*ParseDouble(FormatDouble(x)), x);
  }
}

}  // namespace
}  // namespace edgeloop
