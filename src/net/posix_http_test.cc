// Loopback tests of the POSIX HTTP server and client against each other and against the
// cpp-httplib adapters: the same exchanges for every pairing.
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

}  // namespace
}  // namespace edgeloop::net
