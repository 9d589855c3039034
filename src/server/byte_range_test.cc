#include "server/byte_range.h"

#include <gtest/gtest.h>

namespace edgeloop::server {
namespace {

using Kind = ByteRange::Kind;

TEST(ParseByteRange, ResumesFromAnOffset) {
  ByteRange r = ParseByteRange("bytes=400-", 1000);
  EXPECT_EQ(r.kind, Kind::kPartial);
  EXPECT_EQ(r.first, 400u);
  EXPECT_EQ(r.last, 999u);
  EXPECT_EQ(r.ContentRange(1000), "bytes 400-999/1000");
}

TEST(ParseByteRange, ClosedAndSuffixRanges) {
  ByteRange closed = ParseByteRange("bytes=0-99", 1000);
  EXPECT_EQ(closed.kind, Kind::kPartial);
  EXPECT_EQ(closed.last, 99u);
  ByteRange clipped = ParseByteRange("bytes=900-5000", 1000);
  EXPECT_EQ(clipped.last, 999u);
  ByteRange suffix = ParseByteRange("bytes=-10", 1000);
  EXPECT_EQ(suffix.first, 990u);
  EXPECT_EQ(suffix.last, 999u);
  ByteRange whole_suffix = ParseByteRange("bytes=-5000", 1000);
  EXPECT_EQ(whole_suffix.first, 0u);
}

TEST(ParseByteRange, StartAtOrPastTheEndIsUnsatisfiable) {
  EXPECT_EQ(ParseByteRange("bytes=1000-", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseByteRange("bytes=1000-", 1000).ContentRange(1000), "bytes */1000");
  EXPECT_EQ(ParseByteRange("bytes=0-", 0).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseByteRange("bytes=-0", 10).kind, Kind::kUnsatisfiable);
}

TEST(ParseByteRange, MalformedOrMultipleRangesServeTheWhole) {
  for (const char* header : {"", "bytes", "items=0-1", "bytes=a-", "bytes=5-2", "bytes=0-1,5-6",
                             "bytes=-", "bytes=+1-", "bytes=99999999999999999999-"}) {
    EXPECT_EQ(ParseByteRange(header, 1000).kind, Kind::kWhole) << header;
  }
}

}  // namespace
}  // namespace edgeloop::server
