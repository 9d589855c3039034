#include "agent/bundle_download.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "agent/testing/agent_testing.h"
#include "base/file_system.h"
#include "base/sha256.h"

namespace edgeloop::agent {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

// Answers GETs from a script of responses (or failures) and keeps the requests it saw.
class ScriptedHttp final : public net::HttpClient {
 public:
  Result<net::HttpResponse> Send(const net::HttpRequest& request) override {
    requests.push_back(request);
    if (script.empty()) return Unavailable("nothing scripted");
    Result<net::HttpResponse> next = script.front();
    script.pop_front();
    return next;
  }
  void Answer(int status, std::string body, std::string content_range = "") {
    net::HttpResponse r;
    r.status = status;
    r.content_type = "application/octet-stream";
    r.body = std::move(body);
    if (!content_range.empty()) r.headers["content-range"] = std::move(content_range);
    script.push_back(r);
  }
  std::string Range(size_t i) const { return net::HeaderValue(requests.at(i), "range"); }

  std::deque<Result<net::HttpResponse>> script;
  std::vector<net::HttpRequest> requests;
};

class BundleDownloadTest : public ::testing::Test {
 protected:
  BundleDownloadTest() : download_(http_, fs_, dir_.File("staging"), 1 << 20) {
    for (int i = 0; i < 3000; ++i) bytes_.push_back(static_cast<char>('a' + i % 23));
    digest_ = Sha256Hex(bytes_);
  }
  std::string Url() const { return "/api/v1/bundles/" + digest_ + "/download"; }
  std::string Range(size_t first, size_t last) const {
    return "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
           std::to_string(bytes_.size());
  }

  TempDir dir_;
  PosixFileSystem fs_;
  ScriptedHttp http_;
  BundleDownload download_;
  std::string bytes_;
  std::string digest_;
};

TEST_F(BundleDownloadTest, TakesAWholeFileFromA200) {
  http_.Answer(200, bytes_);
  Result<std::optional<std::string>> got = download_.Fetch(digest_, Url());
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, bytes_);
  ASSERT_EQ(http_.requests.size(), 1u);
  EXPECT_EQ(http_.requests[0].method, "GET");
  EXPECT_EQ(http_.requests[0].path, Url());
  EXPECT_EQ(http_.Range(0), "bytes=0-");
}

TEST_F(BundleDownloadTest, AppendsRangesUntilTheFileIsComplete) {
  http_.Answer(206, bytes_.substr(0, 1000), Range(0, 999));
  http_.Answer(206, bytes_.substr(1000), Range(1000, 2999));
  Result<std::optional<std::string>> first = download_.Fetch(digest_, Url());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->has_value());
  EXPECT_EQ(download_.PartialBytes(digest_), 1000);
  Result<std::optional<std::string>> second = download_.Fetch(digest_, Url());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ(**second, bytes_);
  EXPECT_EQ(http_.Range(1), "bytes=1000-");
}

TEST_F(BundleDownloadTest, ResumesAPartialFileLeftByAnEarlierRun) {
  ASSERT_TRUE(fs_.CreateDirs(dir_.File("staging")).ok());
  ASSERT_TRUE(fs_.WriteFileAtomic(download_.PartPath(digest_), bytes_.substr(0, 1234)).ok());
  http_.Answer(206, bytes_.substr(1234), Range(1234, 2999));
  Result<std::optional<std::string>> got = download_.Fetch(digest_, Url());
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, bytes_);
  EXPECT_EQ(http_.Range(0), "bytes=1234-");
}

TEST_F(BundleDownloadTest, A200ReplacesThePartialFile) {
  ASSERT_TRUE(fs_.CreateDirs(dir_.File("staging")).ok());
  ASSERT_TRUE(fs_.WriteFileAtomic(download_.PartPath(digest_), "garbage").ok());
  http_.Answer(200, bytes_);  // the server ignored the range
  Result<std::optional<std::string>> got = download_.Fetch(digest_, Url());
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, bytes_);
}

TEST_F(BundleDownloadTest, A416WithEveryByteHereFinishes) {
  ASSERT_TRUE(fs_.CreateDirs(dir_.File("staging")).ok());
  ASSERT_TRUE(fs_.WriteFileAtomic(download_.PartPath(digest_), bytes_).ok());
  http_.Answer(416, "", "bytes */3000");
  Result<std::optional<std::string>> got = download_.Fetch(digest_, Url());
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, bytes_);
}

TEST_F(BundleDownloadTest, PiecesThatDoNotVerifyAreDroppedAndRetried) {
  ASSERT_TRUE(fs_.CreateDirs(dir_.File("staging")).ok());
  ASSERT_TRUE(fs_.WriteFileAtomic(download_.PartPath(digest_), std::string(1000, 'x')).ok());
  http_.Answer(206, bytes_.substr(1000), Range(1000, 2999));
  Result<std::optional<std::string>> got = download_.Fetch(digest_, Url());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(got.status().message(), HasSubstr("downloading it again from the first byte"));
  EXPECT_EQ(download_.PartialBytes(digest_), 0);
}

TEST_F(BundleDownloadTest, AWholeDownloadThatDoesNotVerifyIsDataLoss) {
  http_.Answer(200, bytes_ + "!");
  Result<std::optional<std::string>> got = download_.Fetch(digest_, Url());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(got.status().message(), HasSubstr("3001 bytes downloaded hash to"));
  EXPECT_FALSE(fs_.Exists(download_.PartPath(digest_)));
}

TEST_F(BundleDownloadTest, ARangeThatDoesNotFollowStartsOver) {
  ASSERT_TRUE(fs_.CreateDirs(dir_.File("staging")).ok());
  ASSERT_TRUE(fs_.WriteFileAtomic(download_.PartPath(digest_), bytes_.substr(0, 500)).ok());
  http_.Answer(206, bytes_.substr(0, 100), Range(0, 99));
  Result<std::optional<std::string>> got = download_.Fetch(digest_, Url());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(got.status().message(),
              HasSubstr("asked for bytes from 500, the server sent them from 0"));
  EXPECT_EQ(download_.PartialBytes(digest_), 0);
}

TEST_F(BundleDownloadTest, RefusesMalformedAnswers) {
  http_.Answer(206, bytes_.substr(0, 10));                // no Content-Range
  http_.Answer(206, bytes_.substr(0, 10), Range(0, 19));  // shorter than it says
  http_.Answer(206, bytes_.substr(0, 10), "bytes 0-9");   // no total
  for (int i = 0; i < 3; ++i) {
    Result<std::optional<std::string>> got = download_.Fetch(digest_, Url());
    ASSERT_FALSE(got.ok()) << i;
    EXPECT_EQ(got.status().code(), StatusCode::kUnavailable) << i;
  }
  EXPECT_EQ(download_.PartialBytes(digest_), 0);
}

TEST_F(BundleDownloadTest, ErrorsAndFailuresAreUnavailable) {
  net::HttpResponse not_found = net::ErrorResponse(404, "no bundle " + digest_);
  http_.script.push_back(not_found);
  http_.script.push_back(Unavailable("cannot connect to the server"));
  Result<std::optional<std::string>> first = download_.Fetch(digest_, Url());
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(first.status().message(), HasSubstr("server answered 404"));
  Result<std::optional<std::string>> second = download_.Fetch(digest_, Url());
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("cannot connect"));
}

TEST_F(BundleDownloadTest, RefusesBundlesOverTheLimit) {
  BundleDownload small(http_, fs_, dir_.File("staging"), 2000);
  http_.Answer(200, bytes_);
  Result<std::optional<std::string>> whole = small.Fetch(digest_, Url());
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.status().code(), StatusCode::kResourceExhausted);
  http_.Answer(206, bytes_.substr(0, 1000), Range(0, 999));  // total 3000 > 2000
  Result<std::optional<std::string>> ranged = small.Fetch(digest_, Url());
  ASSERT_FALSE(ranged.ok());
  EXPECT_EQ(ranged.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(small.PartialBytes(digest_), 0);
}

TEST_F(BundleDownloadTest, RefusesMalformedDigestsAndUrls) {
  Result<std::optional<std::string>> digest = download_.Fetch("../../etc/passwd", Url());
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().code(), StatusCode::kInvalidArgument);
  Result<std::optional<std::string>> url = download_.Fetch(digest_, "http://elsewhere/x");
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(http_.requests.empty());
}

}  // namespace
}  // namespace edgeloop::agent
