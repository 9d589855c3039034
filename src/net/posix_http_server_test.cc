// The POSIX HTTP server against raw sockets that send what no well-behaved peer would.
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
// The POSIX server against raw sockets.

struct RunningServer {
  std::unique_ptr<HttpServer> server;
  int port = 0;
};

RunningServer StartEchoServer(const HttpServerOptions& options = {}) {
  RunningServer running;
  running.server = NewPosixHttpServer(options);
  EL_CHECK(running.server->Route("GET", "/healthz", Reply("ok")).ok());
  EL_CHECK(
      running.server
          ->Route("POST", "/echo", [](const HttpRequest& r) { return TextResponse(200, r.body); })
          .ok());
  Result<int> port = running.server->Listen(kHost, 0);
  EL_CHECK(port.ok());
  running.port = *port;
  return running;
}

bool Healthy(int port) {
  auto client = NewPosixHttpClient(BaseUrl(port));
  EL_CHECK(client.ok());
  Result<HttpResponse> response = (*client)->Send(Get("/healthz"));
  return response.ok() && response->status == 200 && response->body == "ok";
}

TEST(PosixHttpServer, MalformedRequestsGet400Json) {
  RunningServer running = StartEchoServer();
  const std::vector<std::string> malformed = {
      "GARBAGE\r\n\r\n",
      "GET /healthz\r\n\r\n",
      "GET  /healthz HTTP/1.1\r\n\r\n",
      "GET healthz HTTP/1.1\r\n\r\n",
      "G(T /healthz HTTP/1.1\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nNoColon\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nBad Name: x\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n",
      "POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
      "POST /echo HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\nabcd",
      "POST /echo HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
      "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
  };
  for (const std::string& request : malformed) {
    const std::string answer = RawExchange(running.port, request);
    EXPECT_TRUE(StartsWith(answer, "HTTP/1.1 400 Bad Request\r\n")) << request << "->" << answer;
    EXPECT_NE(answer.find("\"code\":\"bad_request\""), std::string::npos) << request;
    EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << request;
  }
  EXPECT_TRUE(Healthy(running.port));
}

TEST(PosixHttpServer, OversizedHeadGets431AndLongTargetGets414) {
  RunningServer running = StartEchoServer();
  const std::string one_big_field =
      "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(70000, 'a') + "\r\n\r\n";
  EXPECT_TRUE(StartsWith(RawExchange(running.port, one_big_field), "HTTP/1.1 431 "));
  std::string many_fields = "GET /healthz HTTP/1.1\r\n";
  for (int i = 0; i < 4000; ++i) many_fields += "X-Field-" + std::to_string(i) + ": value\r\n";
  many_fields += "\r\n";
  const std::string answer = RawExchange(running.port, many_fields);
  EXPECT_TRUE(StartsWith(answer, "HTTP/1.1 431 ")) << answer.substr(0, 100);
  EXPECT_NE(answer.find("65536 bytes"), std::string::npos);
  const std::string long_target = "GET /" + std::string(70000, 'a') + " HTTP/1.1\r\n\r\n";
  EXPECT_TRUE(StartsWith(RawExchange(running.port, long_target), "HTTP/1.1 414 "));
  const std::string fits =
      "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(60000, 'a') + "\r\n\r\n";
  EXPECT_TRUE(StartsWith(RawExchange(running.port, fits), "HTTP/1.1 200 OK\r\n"));
}

TEST(PosixHttpServer, OtherVersionGets505AndOtherTransferCodingGets501) {
  RunningServer running = StartEchoServer();
  EXPECT_TRUE(
      StartsWith(RawExchange(running.port, "GET /healthz HTTP/2.0\r\n\r\n"), "HTTP/1.1 505 "));
  EXPECT_TRUE(StartsWith(
      RawExchange(running.port,
                  "POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
      "HTTP/1.1 501 "));
}

TEST(PosixHttpServer, GarbageAndTruncatedRequestsDoNotStopTheServer) {
  HttpServerOptions options;
  options.threads = 2;
  RunningServer running = StartEchoServer(options);
  Random random(20260101);
  for (int round = 0; round < 40; ++round) {
    std::string garbage(static_cast<size_t>(random.UniformInt(1, 20000)), '\0');
    for (char& c : garbage) c = static_cast<char>(random.NextU64());
    if (round % 2 == 0) {
      for (int i = 0; i < 8; ++i) {
        garbage.insert(static_cast<size_t>(random.UniformInt(0, garbage.size())), "\r\n");
      }
    }
    const std::string answer = RawExchange(running.port, garbage);
    EXPECT_TRUE(answer.empty() || StartsWith(answer, "HTTP/1.1 4") ||
                StartsWith(answer, "HTTP/1.1 5"))
        << "round " << round << " (seed 20260101): " << answer.substr(0, 80);
  }
  // Valid requests with a few bytes changed, inserted or removed.
  const std::vector<std::string> templates = {
      "POST /echo?a=1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
      "GET /healthz HTTP/1.0\r\n\r\n",
  };
  for (int round = 0; round < 300; ++round) {
    std::string mutated = templates[static_cast<size_t>(round) % templates.size()];
    for (int edits = static_cast<int>(random.UniformInt(1, 4)); edits > 0; --edits) {
      const auto at = static_cast<size_t>(random.UniformInt(0, mutated.size() - 1));
      const char byte = static_cast<char>(random.NextU64());
      switch (random.UniformInt(0, 2)) {
        case 0:
          mutated[at] = byte;
          break;
        case 1:
          mutated.insert(at, 1, byte);
          break;
        default:
          mutated.erase(at, 1);
          break;
      }
    }
    const std::string answer = RawExchange(running.port, mutated);
    EXPECT_TRUE(answer.empty() || StartsWith(answer, "HTTP/1.1 "))
        << "mutation round " << round << " (seed 20260101): " << answer.substr(0, 80);
  }
  const std::vector<std::string> truncated = {
      "GET /hea",
      "GET /healthz HTTP/1.1\r\nHost: x",
      "POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc",
      "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
  };
  for (const std::string& request : truncated) {
    EXPECT_EQ(RawExchange(running.port, request), "") << request;
  }
  EXPECT_TRUE(Healthy(running.port));
}

TEST(PosixHttpServer, AcceptsChunkedBodyAndRefusesOneOverTheLimit) {
  HttpServerOptions options;
  options.max_body_bytes = 10;
  RunningServer running = StartEchoServer(options);
  const std::string answer =
      RawExchange(running.port,
                  "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n");
  EXPECT_TRUE(StartsWith(answer, "HTTP/1.1 200 OK\r\n")) << answer;
  EXPECT_TRUE(EndsWith(answer, "\r\n\r\nWikipedia")) << answer;
  const std::string too_big =
      RawExchange(running.port,
                  "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "6\r\nabcdef\r\n6\r\nghijkl\r\n0\r\n\r\n");
  EXPECT_TRUE(StartsWith(too_big, "HTTP/1.1 413 ")) << too_big;
}

TEST(PosixHttpServer, ClientSendingALargeBodyStillReads413) {
  HttpServerOptions options;
  options.max_body_bytes = 1 << 20;
  RunningServer running = StartEchoServer(options);
  HttpRequest request;
  request.method = "POST";
  request.path = "/echo";
  request.body = std::string(8 << 20, 'x');
  using ClientFactory = Result<std::unique_ptr<HttpClient>> (*)(const std::string&,
                                                                const HttpClientOptions&);
  for (ClientFactory factory : {&NewPosixHttpClient, &NewHttplibClient}) {
    auto client = factory(BaseUrl(running.port), {});
    ASSERT_TRUE(client.ok());
    Result<HttpResponse> response = (*client)->Send(request);
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->status, 413);
    EXPECT_NE(response->body.find("1048576 bytes"), std::string::npos);
  }
  EXPECT_TRUE(Healthy(running.port));
}

TEST(PosixHttpServer, AnswersExpectContinueBeforeTheBody) {
  RunningServer running = StartEchoServer();
  const int fd = ConnectRaw(running.port);
  ASSERT_GE(fd, 0);
  internal::SocketStream stream(fd, nullptr, kSafetyTimeoutMs, kSafetyTimeoutMs);
  ASSERT_TRUE(stream
                  .WriteAll("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                            "Content-Length: 5\r\n\r\n")
                  .ok());
  Result<std::string> interim = stream.ReadLine(1000);
  ASSERT_TRUE(interim.ok());
  EXPECT_EQ(*interim, "HTTP/1.1 100 Continue");
  Result<std::string> blank = stream.ReadLine(1000);
  ASSERT_TRUE(blank.ok());
  EXPECT_EQ(*blank, "");
  ASSERT_TRUE(stream.WriteAll("hello").ok());
  ::shutdown(fd, SHUT_WR);
  std::string rest;
  ASSERT_TRUE(stream.ReadToEnd(1 << 20, &rest).ok());
  EXPECT_TRUE(StartsWith(rest, "HTTP/1.1 200 OK\r\n")) << rest;
  EXPECT_TRUE(EndsWith(rest, "\r\n\r\nhello")) << rest;
  ::close(fd);
}

TEST(PosixHttpServer, KeepAliveServesPipelinedRequestsUpToTheLimit) {
  HttpServerOptions options;
  options.keep_alive_max_requests = 2;
  RunningServer running = StartEchoServer(options);
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string answer = RawExchange(running.port, get + get + get);
  EXPECT_EQ(CountOf(answer, "HTTP/1.1 200 OK\r\n"), 2) << answer;
  EXPECT_EQ(CountOf(answer, "Connection: close\r\n"), 1) << answer;
  EXPECT_GT(answer.find("Connection: close"), answer.find("HTTP/1.1 200", 1));

  // HTTP/1.0 closes unless asked to keep the connection; no half-close, the server ends it.
  const std::string old = RawExchange(running.port, "GET /healthz HTTP/1.0\r\n\r\n", false);
  EXPECT_NE(old.find("Connection: close\r\n"), std::string::npos) << old;
  EXPECT_TRUE(EndsWith(old, "\r\n\r\nok")) << old;
  const std::string old_kept = "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  const std::string kept = RawExchange(running.port, old_kept + old_kept);
  EXPECT_EQ(CountOf(kept, "Connection: keep-alive\r\n"), 1) << kept;
  EXPECT_EQ(CountOf(kept, "HTTP/1.1 200 OK\r\n"), 2) << kept;
}

TEST(PosixHttpServer, ClosesConnectionWhoseHeadDoesNotArriveInTime) {
  HttpServerOptions options;
  options.read_timeout_ms = 100;
  options.threads = 1;
  RunningServer running = StartEchoServer(options);
  // Neither exchange half-closes: only the server's own deadline ends them.
  EXPECT_EQ(RawExchange(running.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n", false), "");
  EXPECT_EQ(RawExchange(running.port, "", false), "");
  EXPECT_TRUE(Healthy(running.port));
}

TEST(PosixHttpServer, HandlerHeadersCannotSplitTheResponse) {
  auto server = NewPosixHttpServer();
  ASSERT_TRUE(server
                  ->Route("DELETE", "/models/{id}",
                          [](const HttpRequest&) {
                            HttpResponse response = TextResponse(204, "ignored");
                            response.headers["x-evil"] = "a\r\nSet-Cookie: stolen=1";
                            response.headers["x-fine"] = "yes";
                            response.headers["connection"] = "upgrade";
                            return response;
                          })
                  .ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  const std::string answer = RawExchange(*port, "DELETE /models/m1 HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(StartsWith(answer, "HTTP/1.1 204 No Content\r\n")) << answer;
  EXPECT_EQ(answer.find("Set-Cookie"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("x-evil"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("upgrade"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("Content-Length"), std::string::npos) << answer;
  EXPECT_NE(answer.find("x-fine: yes\r\n"), std::string::npos) << answer;
  EXPECT_TRUE(EndsWith(answer, "\r\n\r\n")) << answer;
}

TEST(PosixHttpServer, StopFinishesRequestInFlightAndRefusesNewConnections) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool release = false;
  auto server = NewPosixHttpServer();
  ASSERT_TRUE(server
                  ->Route("GET", "/slow",
                          [&](const HttpRequest&) {
                            std::unique_lock<std::mutex> lock(mu);
                            entered = true;
                            cv.notify_all();
                            cv.wait(lock, [&] { return release; });
                            return TextResponse(200, "finished");
                          })
                  .ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  auto client = NewPosixHttpClient(BaseUrl(*port));
  ASSERT_TRUE(client.ok());
  Result<HttpResponse> in_flight = Unavailable("not sent");
  std::thread requester([&] { in_flight = (*client)->Send(Get("/slow")); });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return entered; });
  }
  std::thread stopper([&] { server->Stop(); });
  // Stop() closes the listening socket while the handler is still held.
  while (true) {
    const int fd = ConnectRaw(*port);
    if (fd < 0) break;
    ::close(fd);
    std::this_thread::yield();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  stopper.join();
  requester.join();
  ASSERT_TRUE(in_flight.ok()) << in_flight.status().ToString();
  EXPECT_EQ(in_flight->status, 200);
  EXPECT_EQ(in_flight->body, "finished");
  EXPECT_EQ(in_flight->headers.at("connection"), "close");
}

TEST(PosixHttpServer, PeerThatVanishesMidResponseDoesNotRaiseSigpipe) {
  HttpServerOptions options;
  options.threads = 1;  // the health check below waits for the abandoned responses
  auto server = NewPosixHttpServer(options);
  const std::string big(8 << 20, 'b');
  ASSERT_TRUE(server->Route("GET", "/big", Reply(big)).ok());
  ASSERT_TRUE(server->Route("GET", "/healthz", Reply("ok")).ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  for (int i = 0; i < 3; ++i) {
    const int fd = ConnectRaw(*port);
    ASSERT_GE(fd, 0);
    internal::SocketStream stream(fd, nullptr, kSafetyTimeoutMs, kSafetyTimeoutMs);
    ASSERT_TRUE(stream.WriteAll("GET /big HTTP/1.1\r\nHost: x\r\n\r\n").ok());
    Result<std::string> status_line = stream.ReadLine(1000);  // the server is writing now
    ASSERT_TRUE(status_line.ok());
    EXPECT_EQ(*status_line, "HTTP/1.1 200 OK");
    linger reset{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
    ::close(fd);  // a reset, with most of the body unsent
  }
  EXPECT_TRUE(Healthy(*port));
}

TEST(PosixHttpServer, ListenTwiceOrOnBusyPortFailsAndRouteAfterListenIsRefused) {
  auto first = NewPosixHttpServer();
  Result<int> port = first->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(first->Listen(kHost, 0).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(first->Route("GET", "/late", Reply("")).code(), StatusCode::kFailedPrecondition);
  auto second = NewPosixHttpServer();
  Result<int> clash = second->Listen(kHost, *port);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.status().code(), StatusCode::kIoError);
  EXPECT_NE(clash.status().message().find(std::to_string(*port)), std::string::npos);
  EXPECT_EQ(second->Listen("no such host", 0).status().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace edgeloop::net
