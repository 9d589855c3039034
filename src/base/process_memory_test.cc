#include "base/process_memory.h"

#include <gtest/gtest.h>

namespace edgeloop {
namespace {

TEST(ProcessMemory, ParsesRssAndPeakInBytes) {
  Result<ProcessMemory> m = ParseProcessStatus(
      "Name:\tel_base_tests\nVmPeak:\t  99999 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1500 kB\n");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->rss_bytes, 1500 * 1024);
  EXPECT_EQ(m->peak_rss_bytes, 2048 * 1024);
}

TEST(ProcessMemory, MissingOrMalformedFieldsAreDataLoss) {
  EXPECT_EQ(ParseProcessStatus("VmRSS:\t 10 kB\n").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseProcessStatus("VmRSS:\t ten kB\nVmHWM:\t 10 kB\n").status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(ParseProcessStatus("VmRSS:\t 10 MB\nVmHWM:\t 10 kB\n").status().code(),
            StatusCode::kDataLoss);
}

TEST(ProcessMemory, ReadsThisProcess) {
  Result<ProcessMemory> m = ReadProcessMemory();
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_GT(m->rss_bytes, 0);
  EXPECT_GE(m->peak_rss_bytes, m->rss_bytes);
}

}  // namespace
}  // namespace edgeloop
