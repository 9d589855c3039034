// Loopback tests of the cpp-httplib server and client adapters against each other.
#include "net/httplib_server.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "net/http_client.h"
#include "net/httplib_client.h"

namespace edgeloop::net {
namespace {

constexpr char kHost[] = "127.0.0.1";

std::string BaseUrl(int port) { return "http://127.0.0.1:" + std::to_string(port); }

std::unique_ptr<HttpClient> Client(int port, HttpClientOptions options = {}) {
  auto client = NewHttplibClient(BaseUrl(port), options);
  EL_CHECK(client.ok());
  return std::move(client).value();
}

HttpRequest Get(std::string path) {
  HttpRequest request;
  request.method = "GET";
  request.path = std::move(path);
  return request;
}

TEST(HttplibServer, RoutesParamsQueryHeadersAndBody) {
  auto server = NewHttplibServer();
  ASSERT_TRUE(server
                  ->Route("POST", "/api/v1/devices/{id}/sync",
                          [](const HttpRequest& r) {
                            HttpResponse response = JsonResponse(
                                201, "{\"id\":" + JsonQuote(r.path_params.at("id")) + "}");
                            response.headers["x-since"] = r.query.count("since") != 0
                                                              ? r.query.at("since")
                                                              : "none";
                            response.headers["x-auth"] = HeaderValue(r, "Authorization");
                            response.headers["x-body-size"] = std::to_string(r.body.size());
                            response.headers["x-remote"] = r.remote_addr;
                            return response;
                          })
                  .ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  EXPECT_GT(*port, 0);

  HttpClientOptions options;
  options.bearer_token = "secret-token";
  auto client = Client(*port, options);
  HttpRequest request;
  request.method = "POST";
  request.path = "/api/v1/devices/dev 7/sync";
  request.query["since"] = "a&b=c";
  request.headers["content-type"] = "application/octet-stream";
  request.body = std::string("\0\1binary\0", 9);
  Result<HttpResponse> response = client->Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->content_type, "application/json");
  EXPECT_EQ(response->body, "{\"id\":\"dev 7\"}");
  EXPECT_EQ(response->headers.at("x-since"), "a&b=c");
  EXPECT_EQ(response->headers.at("x-auth"), "Bearer secret-token");
  EXPECT_EQ(response->headers.at("x-body-size"), "9");
  EXPECT_EQ(response->headers.at("x-remote"), "127.0.0.1");
  client.reset();
  server->Stop();
}

TEST(HttplibServer, Returns404And405AsJson) {
  auto server = NewHttplibServer();
  ASSERT_TRUE(server->Route("GET", "/healthz", [](const HttpRequest&) {
                      return TextResponse(200, "ok");
                    }).ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  auto client = Client(*port);

  Result<HttpResponse> missing = client->Send(Get("/missing"));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->content_type, "application/json");
  EXPECT_NE(missing->body.find("\"code\":\"not_found\""), std::string::npos);

  HttpRequest post = Get("/healthz");
  post.method = "POST";
  Result<HttpResponse> wrong = client->Send(post);
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->headers.at("allow"), "GET, HEAD");
  EXPECT_NE(wrong->body.find("\"code\":\"method_not_allowed\""), std::string::npos);
}

TEST(HttplibServer, RefusesOversizedBodyWith413Json) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  auto server = NewHttplibServer(options);
  std::atomic<int> calls = 0;
  ASSERT_TRUE(server->Route("POST", "/v1/score", [&calls](const HttpRequest& r) {
                      ++calls;
                      return TextResponse(200, std::to_string(r.body.size()));
                    }).ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  auto client = Client(*port);

  HttpRequest request;
  request.method = "POST";
  request.path = "/v1/score";
  request.body = std::string(1024, 'x');
  Result<HttpResponse> fits = client->Send(request);
  ASSERT_TRUE(fits.ok());
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

TEST(HttplibServer, HandlerExceptionGives500AndServerKeepsServing) {
  auto server = NewHttplibServer();
  ASSERT_TRUE(server->Route("GET", "/boom", [](const HttpRequest&) -> HttpResponse {
                      throw std::runtime_error("scorer exploded");
                    }).ok());
  ASSERT_TRUE(server->Route("GET", "/healthz", [](const HttpRequest&) {
                      return TextResponse(200, "ok");
                    }).ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  auto client = Client(*port);
  Result<HttpResponse> boom = client->Send(Get("/boom"));
  ASSERT_TRUE(boom.ok());
  EXPECT_EQ(boom->status, 500);
  EXPECT_NE(boom->body.find("scorer exploded"), std::string::npos);
  Result<HttpResponse> health = client->Send(Get("/healthz"));
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok");
}

TEST(HttplibServer, ServesConcurrentClients) {
  constexpr int kClients = 6;
  constexpr int kRequestsEach = 40;
  HttpServerOptions options;
  options.threads = kClients + 2;
  auto server = NewHttplibServer(options);
  std::atomic<int> served = 0;
  ASSERT_TRUE(server->Route("GET", "/echo/{n}", [&served](const HttpRequest& r) {
                      ++served;
                      return TextResponse(200, r.path_params.at("n"));
                    }).ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());

  std::atomic<int> correct = 0;
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      auto client = Client(*port);
      for (int i = 0; i < kRequestsEach; ++i) {
        const std::string n = std::to_string(c * 1000 + i);
        Result<HttpResponse> response = client->Send(Get("/echo/" + n));
        if (response.ok() && response->status == 200 && response->body == n) ++correct;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(correct.load(), kClients * kRequestsEach);
  EXPECT_EQ(served.load(), kClients * kRequestsEach);
}

TEST(HttplibServer, StoppedServerGivesUnavailable) {
  auto server = NewHttplibServer();
  ASSERT_TRUE(server->Route("GET", "/healthz", [](const HttpRequest&) {
                      return TextResponse(200, "ok");
                    }).ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  server->Stop();
  server->Stop();  // idempotent
  auto client = Client(*port);
  Result<HttpResponse> response = client->Send(Get("/healthz"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(IsDeadlineExceeded(response.status()));
  EXPECT_NE(response.status().message().find(BaseUrl(*port)), std::string::npos);
}

TEST(HttplibServer, RangeRequestReachesHandlerAndPartialBodyPassesThrough) {
  const std::string artifact = "0123456789abcdef";
  auto server = NewHttplibServer();
  ASSERT_TRUE(server->Route("GET", "/bundles/{digest}", [&artifact](const HttpRequest& r) {
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
                    }).ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  auto client = Client(*port);

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

TEST(HttplibServer, SlowHandlerGivesDeadlineExceeded) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  auto server = NewHttplibServer();
  ASSERT_TRUE(server->Route("GET", "/slow", [&](const HttpRequest&) {
                      std::unique_lock<std::mutex> lock(mu);
                      cv.wait(lock, [&] { return release; });
                      return TextResponse(200, "late");
                    }).ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  HttpClientOptions options;
  options.read_timeout_ms = 100;
  auto client = Client(*port, options);
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

TEST(HttplibServer, BaseUrlPathPrefixIsPrepended) {
  auto server = NewHttplibServer();
  ASSERT_TRUE(server->Route("GET", "/edgeloop/api/v1/ping", [](const HttpRequest&) {
                      return TextResponse(200, "pong");
                    }).ok());
  Result<int> port = server->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  auto client = NewHttplibClient(BaseUrl(*port) + "/edgeloop/");
  ASSERT_TRUE(client.ok());
  Result<HttpResponse> response = (*client)->Send(Get("/api/v1/ping"));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->body, "pong");
}

TEST(HttplibServer, ListenOnBusyPortFailsAndRouteAfterListenIsRefused) {
  auto first = NewHttplibServer();
  Result<int> port = first->Listen(kHost, 0);
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(first->Route("GET", "/late", [](const HttpRequest&) { return TextResponse(200, ""); })
                .code(),
            StatusCode::kFailedPrecondition);
  auto second = NewHttplibServer();
  Result<int> clash = second->Listen(kHost, *port);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.status().code(), StatusCode::kIoError);
}

TEST(HttplibClient, RejectsBadUrlsAndMethods) {
  EXPECT_EQ(NewHttplibClient("ftp://x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NewHttplibClient("http://").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NewHttplibClient("127.0.0.1:80").status().code(), StatusCode::kInvalidArgument);
  auto client = NewHttplibClient("http://127.0.0.1:9");
  ASSERT_TRUE(client.ok());
  HttpRequest request = Get("/");
  request.method = "BREW";
  EXPECT_EQ((*client)->Send(request).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgeloop::net
