#include "io/reading_message.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "base/time_format.h"

namespace edgeloop::io {
namespace {

TEST(ReadingMessage, RowRoundTripsWithMissingValues) {
  SourceRow row;
  row.asset = "P001";
  row.time_ms = *ParseTimestamp("2026-01-01T00:00:00.250Z");
  row.signals = {"flow", "temp"};
  row.values = {12.5, std::numeric_limits<double>::quiet_NaN()};
  const std::string payload = EncodeRowMessage(row);
  EXPECT_EQ(payload,
            R"({"asset":"P001","time":"2026-01-01T00:00:00.250Z","values":{"flow":12.5,"temp":null}})");
  Result<ReadingMessage> decoded = DecodeReadingMessage(payload);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  const SourceRow& back = std::get<SourceRow>(*decoded);
  EXPECT_EQ(back.asset, "P001");
  EXPECT_EQ(back.time_ms, row.time_ms);
  EXPECT_EQ(back.signals, row.signals);
  EXPECT_EQ(back.values[0], 12.5);
  EXPECT_TRUE(std::isnan(back.values[1]));
}

TEST(ReadingMessage, AcceptsIntegerTimeMs) {
  Result<ReadingMessage> decoded =
      DecodeReadingMessage(R"({"asset":"P1","time_ms":1234,"values":{"a":1}})");
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(std::get<SourceRow>(*decoded).time_ms, 1234);
}

TEST(ReadingMessage, BurstRoundTripsBitExact) {
  Waveform burst{"P001", "vib_de_raw", 1767225600000, 12000, {0.1f, -0.5f, 3.14159274f, 1e-7f}};
  Result<ReadingMessage> decoded = DecodeReadingMessage(EncodeBurstMessage(burst));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  const Waveform& back = std::get<Waveform>(*decoded);
  EXPECT_EQ(back.asset, "P001");
  EXPECT_EQ(back.signal, "vib_de_raw");
  EXPECT_EQ(back.start_ms, 1767225600000);
  EXPECT_EQ(back.rate_hz, 12000);
  EXPECT_EQ(back.samples, burst.samples);
}

TEST(ReadingMessage, DecodeNamesTheBadField) {
  struct Case {
    const char* payload;
    const char* field;
  };
  const Case cases[] = {
      {"not json", "not valid JSON"},
      {"[1]", "JSON object"},
      {R"({"time_ms":1,"values":{}})", "'asset'"},
      {R"({"asset":"P1","values":{}})", "'time'"},
      {R"({"asset":"P1","time":"yesterday","values":{}})", "'time'"},
      {R"({"asset":"P1","time_ms":1.5,"values":{}})", "'time_ms'"},
      {R"({"asset":"P1","time_ms":1})", "'values'"},
      {R"({"asset":"P1","time_ms":1,"values":{"flow":"high"}})", "'values.flow'"},
      {R"({"asset":"P1","signal":"v","start_ms":0,"rate_hz":0,"samples":[1]})", "'rate_hz'"},
      {R"({"asset":"P1","signal":"v","start_ms":0,"rate_hz":10,"samples":[]})", "'samples'"},
      {R"({"asset":"P1","signal":"v","start_ms":0,"rate_hz":10,"samples":[1,"x"]})",
       "'samples[1]'"},
      {R"({"asset":"P1","start_ms":0,"rate_hz":10,"samples":[1]})", "'signal'"},
  };
  for (const Case& c : cases) {
    Result<ReadingMessage> decoded = DecodeReadingMessage(c.payload);
    ASSERT_FALSE(decoded.ok()) << c.payload;
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find(c.field), std::string::npos)
        << c.payload << " -> " << decoded.status().message();
  }
}

}  // namespace
}  // namespace edgeloop::io
