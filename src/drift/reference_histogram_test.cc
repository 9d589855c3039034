#include "drift/reference_histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace edgeloop::drift {
namespace {

TEST(ReferenceHistogram, QuantileBinsHoldEqualShares) {
  std::vector<double> values(1000);
  std::iota(values.begin(), values.end(), 0.0);
  ReferenceHistogram h = BuildReferenceHistogram("x", values, 10);
  ASSERT_EQ(h.counts.size(), 10u);
  ASSERT_EQ(h.edges.size(), 11u);
  int64_t total = 0;
  for (int64_t c : h.counts) {
    EXPECT_NEAR(static_cast<double>(c), 100.0, 2.0);
    total += c;
  }
  EXPECT_EQ(total, 1000);
  EXPECT_EQ(h.edges.front(), 0.0);
  EXPECT_EQ(h.edges.back(), 999.0);
}

TEST(ReferenceHistogram, MissingValuesAreCountedApart) {
  ReferenceHistogram h = BuildReferenceHistogram("x", {1.0, NAN, 2.0, NAN, 3.0}, 4);
  EXPECT_EQ(h.missing, 2);
  int64_t total = 0;
  for (int64_t c : h.counts) total += c;
  EXPECT_EQ(total, 3);
  EXPECT_EQ(h.BinOf(NAN), -1);
}

TEST(ReferenceHistogram, ValuesOutsideTheTrainingRangeLandInTheEdgeBins) {
  ReferenceHistogram h = BuildReferenceHistogram("x", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 5);
  EXPECT_EQ(h.BinOf(-100.0), 0);
  EXPECT_EQ(h.BinOf(1e9), static_cast<int>(h.counts.size()) - 1);
}

TEST(ReferenceHistogram, ConstantFeatureGetsOneBin) {
  ReferenceHistogram h = BuildReferenceHistogram("x", {4.0, 4.0, 4.0}, 10);
  ASSERT_EQ(h.counts.size(), 1u);
  EXPECT_EQ(h.counts[0], 3);
  EXPECT_LT(h.edges[0], h.edges[1]);
}

TEST(ReferenceHistogram, AllMissingGivesNoBins) {
  ReferenceHistogram h = BuildReferenceHistogram("x", {NAN, NAN}, 10);
  EXPECT_TRUE(h.counts.empty());
  EXPECT_EQ(h.missing, 2);
  EXPECT_EQ(h.BinOf(1.0), -1);
}

}  // namespace
}  // namespace edgeloop::drift
