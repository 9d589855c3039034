// The POSIX HTTP client against a canned server that answers with scripted bytes.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "net/testing/raw_http.h"

namespace edgeloop::net {
namespace {

using namespace ::edgeloop::net::http_test;  // NOLINT: test support

// ---------------------------------------------------------------------------------------------
// The POSIX client against a scripted server.

// Accepts one connection on 127.0.0.1, records the request (head and Content-Length body),
// answers `response` and closes.
class CannedServer {
 public:
  explicit CannedServer(std::string response) : response_(std::move(response)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    inet_pton(AF_INET, kHost, &addr.sin_addr);
    socklen_t size = sizeof(addr);
    EL_CHECK(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    EL_CHECK(::listen(listen_fd_, 4) == 0);
    EL_CHECK(getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &size) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~CannedServer() {
    if (thread_.joinable()) thread_.join();
    ::close(listen_fd_);
  }

  int port() const { return port_; }
  // The request as received; waits for the exchange to end.
  std::string Finish() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

 private:
  void Serve() {
    pollfd pfd{listen_fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(kSafetyTimeoutMs)) != 1) return;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    internal::SocketStream stream(fd, nullptr, kSafetyTimeoutMs, kSafetyTimeoutMs);
    std::map<std::string, std::string> headers;
    for (bool request_line = true;; request_line = false) {
      Result<std::string> line = stream.ReadLine(1 << 16);
      if (!line.ok()) break;
      request_ += *line + "\r\n";
      if (line->empty()) break;
      if (!request_line) (void)internal::AddHeaderLine(*line, &headers);
    }
    if (headers.count("content-length") != 0) {
      (void)stream.ReadExact(std::stoul(headers.at("content-length")), &request_);
    }
    (void)stream.WriteAll(response_);
    ::shutdown(fd, SHUT_WR);
    std::string ignored;
    (void)stream.ReadToEnd(1 << 20, &ignored);
    ::close(fd);
  }

  const std::string response_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

Result<HttpResponse> SendTo(const CannedServer& canned, const HttpRequest& request) {
  auto client = NewPosixHttpClient(BaseUrl(canned.port()));
  EL_CHECK(client.ok());
  return (*client)->Send(request);
}

TEST(PosixHttpClient, SendsHostAuthorizationLengthAndEncodedTarget) {
  CannedServer canned("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  HttpClientOptions options;
  options.bearer_token = "t0k";
  auto client = NewPosixHttpClient(BaseUrl(canned.port()) + "/edgeloop/", options);
  ASSERT_TRUE(client.ok());
  HttpRequest request;
  request.method = "POST";
  request.path = "/api/v1/devices/dev 7/sync";
  request.query = {{"b", "x y"}, {"a", "1"}};
  request.headers["x-trace"] = "42";
  request.headers["host"] = "ignored.example";
  request.body = "abc";
  Result<HttpResponse> response = (*client)->Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ok");
  EXPECT_EQ(response->content_type, "");
  const std::string sent = canned.Finish();
  EXPECT_TRUE(
      StartsWith(sent, "POST /edgeloop/api/v1/devices/dev%207/sync?a=1&b=x%20y HTTP/1.1\r\n"))
      << sent;
  EXPECT_NE(sent.find("Host: 127.0.0.1:" + std::to_string(canned.port()) + "\r\n"),
            std::string::npos);
  EXPECT_EQ(sent.find("ignored.example"), std::string::npos);
  EXPECT_NE(sent.find("Authorization: Bearer t0k\r\n"), std::string::npos);
  EXPECT_NE(sent.find("x-trace: 42\r\n"), std::string::npos);
  EXPECT_NE(sent.find("Content-Type: application/octet-stream\r\n"), std::string::npos);
  EXPECT_NE(sent.find("Content-Length: 3\r\n"), std::string::npos);
  EXPECT_NE(sent.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(EndsWith(sent, "\r\n\r\nabc")) << sent;
}

TEST(PosixHttpClient, ReadsChunkedBodyAndSkipsInterimResponses) {
  CannedServer canned(
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n"
      "X-Dup: a\r\nx-dup: b\r\n\r\n"
      "4;name=v\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: t\r\n\r\n");
  Result<HttpResponse> response = SendTo(canned, Get("/doc"));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "Wikipedia");
  EXPECT_EQ(response->content_type, "text/plain");
  EXPECT_EQ(response->headers.count("content-type"), 0u);
  EXPECT_EQ(response->headers.at("x-dup"), "a, b");
}

TEST(PosixHttpClient, ReadsBodyUntilCloseWithoutLength) {
  CannedServer canned("HTTP/1.0 200 OK\r\n\r\nstreamed until close");
  Result<HttpResponse> response = SendTo(canned, Get("/stream"));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body, "streamed until close");
}

TEST(PosixHttpClient, RefusesResponseOverTheSizeLimit) {
  CannedServer canned("HTTP/1.1 200 OK\r\nContent-Length: 300000000\r\n\r\nabc");
  Result<HttpResponse> response = SendTo(canned, Get("/huge"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(response.status().message().find("300000000"), std::string::npos);
}

TEST(PosixHttpClient, TruncatedOrMalformedResponseIsUnavailable) {
  const std::vector<std::string> answers = {
      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
      "SSH-2.0-OpenSSH_9.2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
      "HTTP/1.1 200 OK\r\nBroken header\r\n\r\n",
      "",
  };
  for (const std::string& answer : answers) {
    CannedServer canned(answer);
    Result<HttpResponse> response = SendTo(canned, Get("/x"));
    ASSERT_FALSE(response.ok()) << answer;
    EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << answer;
    EXPECT_FALSE(IsDeadlineExceeded(response.status())) << response.status().ToString();
  }
}

TEST(PosixHttpClient, RejectsHttpsBadUrlsMethodsAndHeaders) {
  Result<std::unique_ptr<HttpClient>> https = NewPosixHttpClient("https://cp.example.com");
  ASSERT_FALSE(https.ok());
  EXPECT_EQ(https.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      StartsWith(https.status().message(), "https is not supported by the edge HTTP client; "));
  for (const char* url :
       {"ftp://x", "http://", "127.0.0.1:80", "http://h:0", "http://h:65536", "http://h:8o",
        "http://user@h", "http://h/p?q=1", "http://[::1", "http://:80"}) {
    EXPECT_EQ(NewPosixHttpClient(url).status().code(), StatusCode::kInvalidArgument) << url;
  }
  EXPECT_TRUE(NewPosixHttpClient("http://[::1]:8080/prefix").ok());
  EXPECT_TRUE(NewPosixHttpClient("HTTP://localhost").ok());
  auto client = NewPosixHttpClient("http://127.0.0.1:9");
  ASSERT_TRUE(client.ok());
  HttpRequest brew = Get("/");
  brew.method = "BREW";
  EXPECT_EQ((*client)->Send(brew).status().code(), StatusCode::kInvalidArgument);
  HttpRequest split = Get("/");
  split.headers["x-a"] = "1\r\nX-Injected: 2";
  EXPECT_EQ((*client)->Send(split).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgeloop::net
