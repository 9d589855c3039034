#include "base/random.h"

#include <gtest/gtest.h>

#include <cmath>

namespace edgeloop {
namespace {

TEST(Random, SameSeedSameSequence) {
  Random a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.NextU64();
    EXPECT_EQ(x, b.NextU64());
    differs |= x != c.NextU64();
  }
  EXPECT_TRUE(differs);
}

TEST(Random, NormalHasRequestedMoments) {
  Random r(7);
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    double x = r.Normal(3.0, 2.0);
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n;
  const double var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 3.0, 0.02);
  EXPECT_NEAR(std::sqrt(var), 2.0, 0.02);
}

TEST(Random, UniformIntStaysInclusiveBounds) {
  Random r(1);
  bool saw_lo = false, saw_hi = false;
  for (int i = 0; i < 1000; ++i) {
    int64_t x = r.UniformInt(3, 5);
    ASSERT_GE(x, 3);
    ASSERT_LE(x, 5);
    saw_lo |= x == 3;
    saw_hi |= x == 5;
  }
  EXPECT_TRUE(saw_lo && saw_hi);
}

TEST(Random, ForkIsIndependentAndRepeatable) {
  Random base(9);
  Random f1 = base.Fork(1), f1b = base.Fork(1), f2 = base.Fork(2);
  uint64_t a = f1.NextU64();
  EXPECT_EQ(a, f1b.NextU64());
  EXPECT_NE(a, f2.NextU64());
}

}  // namespace
}  // namespace edgeloop
