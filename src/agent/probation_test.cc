#include "agent/probation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

namespace edgeloop::agent {
namespace {

using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kMicro = 1000;  // nanoseconds

TEST(Probation, PendingUntilNWindowsThenPasses) {
  Probation p(ProbationPolicy{5, 0.0, 1000});
  for (int i = 0; i < 4; ++i) {
    p.Observe(0.3, 200 * kMicro);
    EXPECT_EQ(p.verdict(), Probation::Verdict::kPending) << i;
  }
  p.Observe(0.9, 900 * kMicro);
  EXPECT_EQ(p.observed(), 5);
  EXPECT_EQ(p.verdict(), Probation::Verdict::kPass);
  EXPECT_THAT(p.Explain(), HasSubstr("0 of 5 scores were not finite"));
}

TEST(Probation, FailsOnTheErrorRate) {
  Probation p(ProbationPolicy{4, 0.25, 1000});
  p.Observe(kNaN, kMicro);
  p.Observe(0.5, kMicro);
  p.Observe(std::numeric_limits<double>::infinity(), kMicro);
  p.Observe(0.5, kMicro);
  EXPECT_EQ(p.verdict(), Probation::Verdict::kFail);  // 2 of 4 > 0.25
  EXPECT_THAT(p.Explain(), HasSubstr("2 of 4 scores were not finite"));

  Probation ok(ProbationPolicy{4, 0.25, 1000});
  ok.Observe(kNaN, kMicro);
  for (int i = 0; i < 3; ++i) ok.Observe(0.5, kMicro);
  EXPECT_EQ(ok.verdict(), Probation::Verdict::kPass);  // 1 of 4 == 0.25 is allowed
}

TEST(Probation, ZeroErrorRateAllowsNoNaN) {
  Probation p(ProbationPolicy{20, 0.0, 50'000});
  for (int i = 0; i < 19; ++i) p.Observe(0.1, kMicro);
  p.Observe(kNaN, kMicro);
  EXPECT_EQ(p.verdict(), Probation::Verdict::kFail);
}

TEST(Probation, FailsOnTheP99Latency) {
  Probation p(ProbationPolicy{100, 0.0, 500});
  for (int i = 0; i < 99; ++i) p.Observe(0.2, 100 * kMicro);
  p.Observe(0.2, 800 * kMicro);
  // One slow score of 100: the 99th percentile is still 100 us.
  EXPECT_EQ(p.verdict(), Probation::Verdict::kPass);

  Probation slow(ProbationPolicy{100, 0.0, 500});
  for (int i = 0; i < 98; ++i) slow.Observe(0.2, 100 * kMicro);
  slow.Observe(0.2, 800 * kMicro);
  slow.Observe(0.2, 900 * kMicro);
  EXPECT_EQ(slow.verdict(), Probation::Verdict::kFail);
  EXPECT_THAT(slow.Explain(), HasSubstr("p99 scoring latency 800 us (limit 500 us)"));
}

TEST(Probation, LatencyAtTheLimitPasses) {
  Probation p(ProbationPolicy{3, 0.0, 500});
  for (int i = 0; i < 3; ++i) p.Observe(0.2, 500 * kMicro);
  EXPECT_EQ(p.verdict(), Probation::Verdict::kPass);
}

TEST(Probation, OnlyTheFirstNWindowsCount) {
  Probation p(ProbationPolicy{3, 0.0, 500});
  for (int i = 0; i < 3; ++i) p.Observe(0.2, kMicro);
  p.Observe(kNaN, 10'000 * kMicro);  // after the verdict: ignored
  EXPECT_EQ(p.observed(), 3);
  EXPECT_EQ(p.verdict(), Probation::Verdict::kPass);
}

}  // namespace
}  // namespace edgeloop::agent
