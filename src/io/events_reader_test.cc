#include "io/events_reader.h"

#include <gtest/gtest.h>

#include "base/time_format.h"
#include "io/internal/temp_dir.h"

namespace edgeloop::io {
namespace {

class EventsFiles : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    const std::string path = dir_.File("events.csv");
    EXPECT_TRUE(fs_.WriteFileAtomic(path, text).ok());
    return path;
  }
  internal::TempDir dir_;
  PosixFileSystem fs_;
};

TEST_F(EventsFiles, ReadsAndSortsByTimeThenAssetStably) {
  const std::string path = Write(
      "time,asset,kind,failure_mode\r\n"
      "2026-02-01T00:00:00Z,P002,repair,\r\n"
      "2026-01-15T06:00:00Z,P002,Failure,bearing_wear\r\n"
      "2026-01-15T06:00:00Z,P001,inspection,\r\n"
      "2026-01-15T06:00:00Z,P001,maintenance,\"seal, outer\"\r\n"
      "2026-01-20T00:00:00Z,P003,failure,\r\n");
  Result<std::vector<Event>> events = ReadEventsCsv(path, fs_);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 5u);
  const std::vector<Event>& e = *events;
  EXPECT_EQ(e[0].asset, "P001");
  EXPECT_EQ(e[0].kind, EventKind::kInspection);
  EXPECT_EQ(e[1].asset, "P001");
  EXPECT_EQ(e[1].kind, EventKind::kMaintenance);
  EXPECT_EQ(e[1].failure_mode, "seal, outer");
  EXPECT_EQ(e[2].asset, "P002");
  EXPECT_EQ(e[2].kind, EventKind::kFailure);
  EXPECT_EQ(e[2].failure_mode, "bearing_wear");
  EXPECT_EQ(e[2].time_ms, *ParseTimestamp("2026-01-15T06:00:00Z"));
  EXPECT_EQ(e[3].asset, "P003");
  EXPECT_EQ(e[3].failure_mode, "unknown");  // a failure without a mode
  EXPECT_EQ(e[4].kind, EventKind::kRepair);
  EXPECT_EQ(e[4].failure_mode, "");
}

TEST_F(EventsFiles, UnknownKindNamesTheLineAndTheAllowedKinds) {
  Result<std::vector<Event>> events = ReadEventsCsv(
      Write("time,asset,kind,failure_mode\n2026-01-01,P1,failure,x\n2026-01-02,P1,overhaul,\n"),
      fs_);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(events.status().message(), dir_.File("events.csv") +
                                           ":3: unknown event kind 'overhaul' (expected failure, "
                                           "repair, maintenance or inspection)");
}

TEST_F(EventsFiles, MalformedLinesNameFileAndLine) {
  const std::string header = "time,asset,kind,failure_mode\n";
  const std::pair<std::string, std::string> cases[] = {
      {"2026-01-01,P1,failure\n", ":2: expected 4 fields, found 3"},
      {"yesterday,P1,failure,x\n", ":2: column time: 'yesterday' is not a timestamp"},
      {"2026-01-01,,failure,x\n", ":2: empty asset"},
  };
  for (const auto& [body, expected] : cases) {
    Result<std::vector<Event>> events = ReadEventsCsv(Write(header + body), fs_);
    ASSERT_FALSE(events.ok()) << body;
    EXPECT_EQ(events.status().message().substr(0, dir_.File("events.csv").size() + expected.size()),
              dir_.File("events.csv") + expected);
  }
  Result<std::vector<Event>> bad_header = ReadEventsCsv(Write("time,asset,kind\n"), fs_);
  ASSERT_FALSE(bad_header.ok());
  EXPECT_NE(bad_header.status().message().find(":1: expected the header"), std::string::npos);
}

TEST_F(EventsFiles, WritingThenReadingGivesTheSameEventsAndDigest) {
  std::vector<Event> events = {
      {*ParseTimestamp("2026-03-01T12:00:00.250Z"), "P,9", EventKind::kFailure, "seal \"leak\""},
      {*ParseTimestamp("2026-01-01T00:00:00Z"), "P001", EventKind::kRepair, ""},
      {*ParseTimestamp("2026-01-01T00:00:00Z"), "P000", EventKind::kInspection, ""},
  };
  const std::string path = dir_.File("out.csv");
  ASSERT_TRUE(WriteEventsCsv(events, path, fs_).ok());
  Result<std::vector<Event>> read = ReadEventsCsv(path, fs_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 3u);
  EXPECT_EQ((*read)[0].asset, "P000");
  EXPECT_EQ((*read)[2].asset, "P,9");
  EXPECT_EQ((*read)[2].failure_mode, "seal \"leak\"");
  EXPECT_EQ((*read)[2].time_ms, events[0].time_ms);
  EXPECT_EQ(EventsDigest(*read), EventsDigest(events));
}

TEST(EventsDigest, ChangesWithAnyField) {
  std::vector<Event> events = {{1000, "P1", EventKind::kFailure, "cavitation"},
                               {2000, "P2", EventKind::kRepair, ""}};
  const std::string before = EventsDigest(events);
  events[0].failure_mode = "seal_leak";
  EXPECT_NE(EventsDigest(events), before);
  events[0].failure_mode = "cavitation";
  EXPECT_EQ(EventsDigest(events), before);
  events[1].kind = EventKind::kMaintenance;
  EXPECT_NE(EventsDigest(events), before);
}

}  // namespace
}  // namespace edgeloop::io
