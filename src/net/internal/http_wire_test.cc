#include "net/internal/http_wire.h"

#include <gtest/gtest.h>

namespace edgeloop::net::internal {
namespace {

TEST(HttpWire, ParsesRequestLines) {
  Result<RequestLine> line = ParseRequestLine("POST /v1/score?x=1 HTTP/1.1");
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_EQ(line->method, "POST");
  EXPECT_EQ(line->target, "/v1/score?x=1");
  EXPECT_EQ(line->minor_version, 1);
  EXPECT_EQ(ParseRequestLine("GET / HTTP/1.0")->minor_version, 0);
  for (const char* bad :
       {"", "GET", "GET /", "GET / HTTP/1.1 extra", "GET  / HTTP/1.1", "GET / http/1.1",
        "GET / HTTP/11", "G@T / HTTP/1.1", "GET /a\x01 HTTP/1.1"}) {
    EXPECT_EQ(ParseRequestLine(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseRequestLine("GET / HTTP/2.0").status().code(), StatusCode::kFailedPrecondition);
}

TEST(HttpWire, ParsesStatusLines) {
  Result<StatusLine> ok = ParseStatusLine("HTTP/1.1 206 Partial Content");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 206);
  EXPECT_EQ(ok->reason, "Partial Content");
  EXPECT_EQ(ParseStatusLine("HTTP/1.0 404")->status, 404);
  for (const char* bad : {"", "HTTP/1.1", "HTTP/1.1 20 OK", "HTTP/1.1 2000", "HTTP/1.1 099 x",
                          "SSH-2.0-OpenSSH", "HTTP/1.1  200 OK"}) {
    EXPECT_FALSE(ParseStatusLine(bad).ok()) << bad;
  }
}

TEST(HttpWire, LowercasesTrimsAndJoinsHeaderFields) {
  std::map<std::string, std::string> headers;
  ASSERT_TRUE(AddHeaderLine("Content-Type:  application/json \t", &headers).ok());
  ASSERT_TRUE(AddHeaderLine("X-Tag: a", &headers).ok());
  ASSERT_TRUE(AddHeaderLine("x-tag:b", &headers).ok());
  ASSERT_TRUE(AddHeaderLine("X-Empty:", &headers).ok());
  EXPECT_EQ(headers.at("content-type"), "application/json");
  EXPECT_EQ(headers.at("x-tag"), "a, b");
  EXPECT_EQ(headers.at("x-empty"), "");
  for (const char* bad :
       {"NoColon", ": empty name", "Bad Name: x", "Name : x", " folded: x", "X-Cr: a\rb"}) {
    EXPECT_EQ(AddHeaderLine(bad, &headers).code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(HttpWire, DecodesPercentEscapesAndQueries) {
  EXPECT_EQ(PercentDecode("/a%20b/%2Fc+d", false), "/a b//c+d");
  EXPECT_EQ(PercentDecode("x+y%2B", true), "x y+");
  EXPECT_EQ(PercentDecode("100%", false), "100%");
  EXPECT_EQ(PercentDecode("%zz%4", false), "%zz%4");
  std::map<std::string, std::string> query = ParseQuery("a=1&b=x+y&a=2&c&&=skipped&d=%26");
  EXPECT_EQ(query.at("a"), "1");
  EXPECT_EQ(query.at("b"), "x y");
  EXPECT_EQ(query.at("c"), "");
  EXPECT_EQ(query.at("d"), "&");
  EXPECT_EQ(query.size(), 4u);
}

TEST(HttpWire, FramesBodiesByHeaders) {
  using Headers = std::map<std::string, std::string>;
  EXPECT_EQ(ParseBodyFraming({}, true)->framing, BodyFraming::kNone);
  EXPECT_EQ(ParseBodyFraming({}, false)->framing, BodyFraming::kUntilClose);
  Result<BodyFrame> sized = ParseBodyFraming(Headers{{"content-length", "42"}}, true);
  ASSERT_TRUE(sized.ok());
  EXPECT_EQ(sized->framing, BodyFraming::kContentLength);
  EXPECT_EQ(sized->length, 42u);
  EXPECT_EQ(ParseBodyFraming(Headers{{"content-length", "7, 7"}}, true)->length, 7u);
  EXPECT_EQ(ParseBodyFraming(Headers{{"transfer-encoding", "Chunked"}}, true)->framing,
            BodyFraming::kChunked);
  const Headers both = {{"content-length", "3"}, {"transfer-encoding", "chunked"}};
  EXPECT_EQ(ParseBodyFraming(both, true).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseBodyFraming(both, false)->framing, BodyFraming::kChunked);
  for (const char* bad : {"-1", "", "1e3", "0x10", "3, 4", "99999999999999999999"}) {
    EXPECT_EQ(ParseBodyFraming(Headers{{"content-length", bad}}, true).status().code(),
              StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(ParseBodyFraming(Headers{{"transfer-encoding", "gzip, chunked"}}, true).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(HttpWire, KnowsReasonPhrasesAndTokens) {
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(ReasonPhrase(299), "");
  EXPECT_TRUE(IsToken("X-Custom_1.2"));
  EXPECT_FALSE(IsToken("a b"));
  EXPECT_FALSE(IsToken(""));
  EXPECT_FALSE(IsSafeHeaderValue(std::string_view("a\0b", 3)));
  EXPECT_TRUE(IsSafeHeaderValue("text/plain; charset=utf-8"));
}

}  // namespace
}  // namespace edgeloop::net::internal
