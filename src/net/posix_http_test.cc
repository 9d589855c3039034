// Loopback tests of the POSIX HTTP server and client: against each other and against the
// cpp-httplib adapters, and against raw sockets that send what no well-behaved peer would.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/random.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "net/http_client.h"
#include "net/httplib_client.h"
#include "net/httplib_server.h"
#include "net/internal/http_wire.h"
#include "net/internal/socket_stream.h"
#include "net/posix_http_client.h"
#include "net/posix_http_server.h"

namespace edgeloop::net {
namespace {

constexpr char kHost[] = "127.0.0.1";
constexpr int64_t kSafetyTimeoutMs = 20000;  // only reached when a test is about to fail

std::string BaseUrl(int port) { return "http://127.0.0.1:" + std::to_string(port); }

HttpRequest Get(std::string path) {
  HttpRequest request;
  request.method = "GET";
  request.path = std::move(path);
  return request;
}

HttpHandler Reply(std::string text) {
  return [text](const HttpRequest&) { return TextResponse(200, text); };
}

int ConnectRaw(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EL_CHECK(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, kHost, &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Everything the peer sends until it closes (or resets) the connection.
std::string ReadAll(int fd) {
  internal::SocketStream stream(fd, nullptr, kSafetyTimeoutMs, kSafetyTimeoutMs);
  std::string out;
  Status read = stream.ReadToEnd(64 << 20, &out);
  EXPECT_FALSE(IsDeadlineExceeded(read)) << "the server neither answered nor closed";
  return out;
}

// Sends `bytes` on a fresh connection, half-closes it and returns all the server answered.
std::string RawExchange(int port, std::string_view bytes, bool half_close = true) {
  const int fd = ConnectRaw(port);
  EL_CHECK(fd >= 0);
  internal::SocketStream stream(fd, nullptr, kSafetyTimeoutMs, kSafetyTimeoutMs);
  Status sent = stream.WriteAll(bytes);  // may fail when the server refuses early
  (void)sent;
  if (half_close) ::shutdown(fd, SHUT_WR);
  std::string answer = ReadAll(fd);
  ::close(fd);
  return answer;
}

int CountOf(std::string_view text, std::string_view needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// The same exchanges for each pairing of server and client implementations.

using ServerFactory = std::unique_ptr<HttpServer> (*)(const HttpServerOptions&);
using ClientFactory = Result<std::unique_ptr<HttpClient>> (*)(const std::string&,
                                                              const HttpClientOptions&);
struct Pairing {
  const char* name;
  ServerFactory server;
  ClientFactory client;
};

class PosixHttpPairing : public testing::TestWithParam<Pairing> {
 protected:
  std::unique_ptr<HttpServer> NewServer(const HttpServerOptions& options = {}) {
    return GetParam().server(options);
  }
  std::unique_ptr<HttpClient> NewClient(int port, const HttpClientOptions& options = {}) {
    auto client = GetParam().client(BaseUrl(port), options);
    EL_CHECK(client.ok());
    return std::move(client).value();
  }
};

TEST_P(PosixHttpPairing, RoutesParamsQueryHeadersAndBody) {
  auto server = NewServer();
  ASSERT_TRUE(server
                  ->Route("POST", "/api/v1/devices/{id}/sync",
                          [](const HttpRequest& r) {
                            HttpResponse response = JsonResponse(
                                201, "{\"id\":" + JsonQuote(r.path_params.at("id")) + "}");
                            response.headers["x-since"] = r.query.at("since");
                            response.headers["x-name"] = r.query.at("name");
                            response.headers["x-auth"] = HeaderValue(r, "Authorization");
                            response.headers["x-custom"] = HeaderValue(r, "X-Custom");
                            response.headers["x-body"] = Sha256Hex(r.body);
                            response.headers["x-remote"] = r.remote_addr;
                            return response;
                          })
                  .ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  EXPECT_GT(*port, 0);

  HttpClientOptions options;
  options.bearer_token = "secret-token";
  auto client = NewClient(*port, options);
  HttpRequest request;
  request.method = "POST";
  request.path = "/api/v1/devices/dev 7/sync";
  request.query["since"] = "a&b=c";
  request.query["name"] = "x y+z/%";
  request.headers["x-custom"] = "  padded value";
  request.body = std::string("\0\1binary\r\n\0", 11);
  Result<HttpResponse> response = client->Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->content_type, "application/json");
  EXPECT_EQ(response->body, "{\"id\":\"dev 7\"}");
  EXPECT_EQ(response->headers.at("x-since"), "a&b=c");
  EXPECT_EQ(response->headers.at("x-name"), "x y+z/%");
  EXPECT_EQ(response->headers.at("x-auth"), "Bearer secret-token");
  EXPECT_EQ(response->headers.at("x-custom"), "padded value");
  EXPECT_EQ(response->headers.at("x-body"), Sha256Hex(request.body));
  EXPECT_EQ(response->headers.at("x-remote"), "127.0.0.1");
  client.reset();
  server->Stop();
}

TEST_P(PosixHttpPairing, Returns404And405AsJson) {
  auto server = NewServer();
  ASSERT_TRUE(server->Route("GET", "/healthz", Reply("ok")).ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  auto client = NewClient(*port);

  Result<HttpResponse> missing = client->Send(Get("/missing"));
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->content_type, "application/json");
  EXPECT_NE(missing->body.find("\"code\":\"not_found\""), std::string::npos);

  HttpRequest post = Get("/healthz");
  post.method = "POST";
  Result<HttpResponse> wrong = client->Send(post);
  ASSERT_TRUE(wrong.ok()) << wrong.status().ToString();
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->headers.at("allow"), "GET, HEAD");
  EXPECT_NE(wrong->body.find("\"code\":\"method_not_allowed\""), std::string::npos);
}

TEST_P(PosixHttpPairing, HeadGetsGetHeadersWithoutBody) {
  auto server = NewServer();
  ASSERT_TRUE(server
                  ->Route("GET", "/metrics",
                          [](const HttpRequest&) {
                            HttpResponse response = TextResponse(200, "edgeloop_up 1\n");
                            response.headers["x-series"] = "1";
                            return response;
                          })
                  .ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  auto client = NewClient(*port);
  HttpRequest head = Get("/metrics");
  head.method = "HEAD";
  Result<HttpResponse> response = client->Send(head);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "");
  EXPECT_EQ(response->headers.at("x-series"), "1");
  EXPECT_EQ(response->headers.at("content-length"), "14");
  Result<HttpResponse> get = client->Send(Get("/metrics"));  // the connection is still usable
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_EQ(get->body, "edgeloop_up 1\n");
}

TEST_P(PosixHttpPairing, RefusesOversizedBodyWith413Json) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  auto server = NewServer(options);
  std::atomic<int> calls = 0;
  ASSERT_TRUE(server
                  ->Route("POST", "/v1/score",
                          [&calls](const HttpRequest& r) {
                            ++calls;
                            return TextResponse(200, std::to_string(r.body.size()));
                          })
                  .ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  auto client = NewClient(*port);

  HttpRequest request;
  request.method = "POST";
  request.path = "/v1/score";
  request.body = std::string(1024, 'x');
  Result<HttpResponse> fits = client->Send(request);
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  EXPECT_EQ(fits->status, 200);
  EXPECT_EQ(fits->body, "1024");

  request.body = std::string(1025, 'x');
  Result<HttpResponse> too_big = client->Send(request);
  ASSERT_TRUE(too_big.ok()) << too_big.status().ToString();
  EXPECT_EQ(too_big->status, 413);
  EXPECT_EQ(too_big->content_type, "application/json");
  EXPECT_NE(too_big->body.find("\"code\":\"payload_too_large\""), std::string::npos);
  EXPECT_NE(too_big->body.find("1024 bytes"), std::string::npos);
  EXPECT_EQ(calls.load(), 1);
}

TEST_P(PosixHttpPairing, CarriesEightMibBodiesBothWays) {
  Random random(7);
  std::string blob(8 << 20, '\0');
  for (char& c : blob) c = static_cast<char>(random.NextU64());
  auto server = NewServer();
  ASSERT_TRUE(server
                  ->Route("POST", "/echo",
                          [](const HttpRequest& r) {
                            HttpResponse response;
                            response.content_type = "application/octet-stream";
                            response.body = r.body;
                            return response;
                          })
                  .ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  auto client = NewClient(*port);
  HttpRequest request;
  request.method = "POST";
  request.path = "/echo";
  request.body = blob;
  Result<HttpResponse> response = client->Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body.size(), blob.size());
  EXPECT_TRUE(response->body == blob);
}

TEST_P(PosixHttpPairing, RangeRequestReachesHandlerAndPartialBodyPassesThrough) {
  const std::string artifact = "0123456789abcdef";
  auto server = NewServer();
  ASSERT_TRUE(server
                  ->Route("GET", "/bundles/{digest}",
                          [&artifact](const HttpRequest& r) {
                            HttpResponse response;
                            response.content_type = "application/octet-stream";
                            response.headers["accept-ranges"] = "bytes";
                            if (HeaderValue(r, "range") == "bytes=4-") {
                              response.status = 206;
                              response.headers["content-range"] = "bytes 4-15/16";
                              response.body = artifact.substr(4);
                            } else {
                              response.body = artifact;
                            }
                            return response;
                          })
                  .ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  auto client = NewClient(*port);
  HttpRequest request = Get("/bundles/3f2a");
  request.headers["range"] = "bytes=4-";
  Result<HttpResponse> partial = client->Send(request);
  ASSERT_TRUE(partial.ok()) << partial.status().ToString();
  EXPECT_EQ(partial->status, 206);
  EXPECT_EQ(partial->headers.at("content-range"), "bytes 4-15/16");
  EXPECT_EQ(partial->body, "456789abcdef");
  Result<HttpResponse> whole = client->Send(Get("/bundles/3f2a"));
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->body, artifact);
}

TEST_P(PosixHttpPairing, SlowHandlerGivesDeadlineExceeded) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  auto server = NewServer();
  ASSERT_TRUE(server
                  ->Route("GET", "/slow",
                          [&](const HttpRequest&) {
                            std::unique_lock<std::mutex> lock(mu);
                            cv.wait(lock, [&] { return release; });
                            return TextResponse(200, "late");
                          })
                  .ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  HttpClientOptions options;
  options.read_timeout_ms = 100;
  auto client = NewClient(*port, options);
  Result<HttpResponse> response = client->Send(Get("/slow"));
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(IsDeadlineExceeded(response.status())) << response.status().ToString();
  client.reset();
  server->Stop();
}

TEST_P(PosixHttpPairing, HandlerExceptionGives500AndServerKeepsServing) {
  auto server = NewServer();
  ASSERT_TRUE(server
                  ->Route("GET", "/boom",
                          [](const HttpRequest&) -> HttpResponse {
                            throw std::runtime_error("scorer exploded");
                          })
                  .ok());
  ASSERT_TRUE(server->Route("GET", "/healthz", Reply("ok")).ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  auto client = NewClient(*port);
  Result<HttpResponse> boom = client->Send(Get("/boom"));
  ASSERT_TRUE(boom.ok());
  EXPECT_EQ(boom->status, 500);
  EXPECT_NE(boom->body.find("scorer exploded"), std::string::npos);
  Result<HttpResponse> health = client->Send(Get("/healthz"));
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->body, "ok");
}

TEST_P(PosixHttpPairing, ServesEightConcurrentClients) {
  constexpr int kClients = 8;
  constexpr int kRequestsEach = 25;
  HttpServerOptions options;
  options.threads = kClients;
  auto server = NewServer(options);
  std::atomic<int> served = 0;
  ASSERT_TRUE(server
                  ->Route("POST", "/echo/{n}",
                          [&served](const HttpRequest& r) {
                            ++served;
                            return TextResponse(200, r.path_params.at("n") + ":" + r.body);
                          })
                  .ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  std::atomic<int> correct = 0;
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      auto client = NewClient(*port);
      for (int i = 0; i < kRequestsEach; ++i) {
        const std::string n = std::to_string(c * 1000 + i);
        HttpRequest request = Get("/echo/" + n);
        request.method = "POST";
        request.body = std::string(static_cast<size_t>(i) * 100, 'a' + static_cast<char>(c));
        Result<HttpResponse> response = client->Send(request);
        if (response.ok() && response->status == 200 && response->body == n + ":" + request.body) {
          ++correct;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(correct.load(), kClients * kRequestsEach);
  EXPECT_EQ(served.load(), kClients * kRequestsEach);
}

TEST_P(PosixHttpPairing, StoppedServerGivesUnavailable) {
  auto server = NewServer();
  ASSERT_TRUE(server->Route("GET", "/healthz", Reply("ok")).ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  server->Stop();
  server->Stop();  // idempotent
  auto client = NewClient(*port);
  Result<HttpResponse> response = client->Send(Get("/healthz"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(IsDeadlineExceeded(response.status())) << response.status().ToString();
  EXPECT_NE(response.status().message().find(BaseUrl(*port)), std::string::npos);
}

Result<std::unique_ptr<HttpClient>> PosixClient(const std::string& url,
                                                const HttpClientOptions& options) {
  return NewPosixHttpClient(url, options);
}
Result<std::unique_ptr<HttpClient>> HttplibClient(const std::string& url,
                                                  const HttpClientOptions& options) {
  return NewHttplibClient(url, options);
}
std::unique_ptr<HttpServer> PosixServer(const HttpServerOptions& options) {
  return NewPosixHttpServer(options);
}
std::unique_ptr<HttpServer> HttplibServer(const HttpServerOptions& options) {
  return NewHttplibServer(options);
}

INSTANTIATE_TEST_SUITE_P(
    Pairings, PosixHttpPairing,
    testing::Values(Pairing{"PosixServerPosixClient", &PosixServer, &PosixClient},
                    Pairing{"HttplibServerPosixClient", &HttplibServer, &PosixClient},
                    Pairing{"PosixServerHttplibClient", &PosixServer, &HttplibClient}),
    [](const testing::TestParamInfo<Pairing>& info) { return std::string(info.param.name); });

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
  for (ClientFactory factory : {&PosixClient, &HttplibClient}) {
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
