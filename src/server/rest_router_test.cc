#include "server/rest_router.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "net/httplib_client.h"
#include "net/httplib_server.h"

namespace edgeloop::server {
namespace {

// A router over a real server with a fixed table of tokens, and one route per Access.
class RestRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::HttpServerOptions options;
    options.max_body_bytes = 4096;
    http_ = net::NewHttplibServer(options);
    principals_["admin"] = Principal{Role::kAdmin, "tok-a", "root", ""};
    principals_["operator"] = Principal{Role::kOperator, "tok-o", "alice", ""};
    principals_["device7"] = Principal{Role::kDevice, "tok-d", "gw7", "gw-7"};
    router_ = std::make_unique<RestRouter>(
        *http_,
        [this](std::string_view token) -> Result<Principal> {
          auto it = principals_.find(std::string(token));
          if (it == principals_.end()) return Unauthenticated("token is not valid");
          return it->second;
        },
        metrics_, clock_, log_, /*default_max_body_bytes=*/100);
    auto handler = [this](const net::HttpRequest&, const Principal& p) {
      ++calls_;
      return net::JsonResponse(200, "{\"who\":\"" + p.token_id + "\"}");
    };
    ASSERT_TRUE(router_->Add("GET", "/public", Access::kPublic, handler).ok());
    ASSERT_TRUE(router_->Add("GET", "/read", Access::kRead, handler).ok());
    ASSERT_TRUE(router_->Add("POST", "/operate", Access::kOperate, handler).ok());
    ASSERT_TRUE(router_->Add("POST", "/admin", Access::kAdmin, handler).ok());
    ASSERT_TRUE(router_->Add("POST", "/devices/{id}/sync", Access::kOwnDevice, handler).ok());
    ASSERT_TRUE(router_->Add("GET", "/any", Access::kAnyToken, handler).ok());
    ASSERT_TRUE(router_->AddWithBodyLimit("POST", "/big", Access::kAdmin, 1000, handler).ok());
    auto port = http_->Listen("127.0.0.1", 0);
    ASSERT_TRUE(port.ok());
    port_ = *port;
  }

  int Call(const std::string& method, const std::string& path, const std::string& token,
           const std::string& body = "") {
    net::HttpClientOptions options;
    options.bearer_token = token;
    auto client = net::NewHttplibClient("http://127.0.0.1:" + std::to_string(port_), options);
    if (!client.ok()) return -1;
    net::HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    auto response = (*client)->Send(request);
    if (!response.ok()) return -1;
    last_ = *response;
    return response->status;
  }

  std::map<std::string, Principal> principals_;
  ServerMetrics metrics_;
  SimulatedClock clock_{0};
  Logger log_{LogLevel::kOff};
  std::unique_ptr<net::HttpServer> http_;
  std::unique_ptr<RestRouter> router_;
  std::atomic<int> calls_{0};
  int port_ = 0;
  net::HttpResponse last_;
};

TEST_F(RestRouterTest, PublicRouteNeedsNoToken) {
  EXPECT_EQ(Call("GET", "/public", ""), 200);
  EXPECT_EQ(calls_, 1);
}

TEST_F(RestRouterTest, MissingOrUnknownTokenIs401AndNeverReachesTheHandler) {
  EXPECT_EQ(Call("GET", "/read", ""), 401);
  EXPECT_NE(last_.body.find("Authorization"), std::string::npos) << last_.body;
  EXPECT_EQ(net::HeaderValue(last_, "www-authenticate").rfind("Bearer", 0), 0u);
  EXPECT_EQ(Call("GET", "/read", "nope"), 401);
  EXPECT_EQ(Call("POST", "/admin", "nope"), 401);
  EXPECT_EQ(calls_, 0);
}

TEST_F(RestRouterTest, RolesAreCheckedAgainstTheRouteAccess) {
  EXPECT_EQ(Call("GET", "/read", "operator"), 200);
  EXPECT_EQ(Call("GET", "/read", "admin"), 200);
  EXPECT_EQ(Call("GET", "/read", "device7"), 403);
  EXPECT_EQ(Call("POST", "/operate", "operator"), 200);
  EXPECT_EQ(Call("POST", "/operate", "device7"), 403);
  EXPECT_EQ(Call("POST", "/admin", "operator"), 403);
  EXPECT_NE(last_.body.find("needs an admin token"), std::string::npos) << last_.body;
  EXPECT_NE(last_.body.find("tok-o"), std::string::npos) << last_.body;
  EXPECT_EQ(Call("POST", "/admin", "device7"), 403);
  EXPECT_EQ(Call("POST", "/admin", "admin"), 200);
  EXPECT_EQ(calls_, 4);
}

TEST_F(RestRouterTest, OwnDeviceLetsOnlyThatDeviceOrAnAdminThrough) {
  EXPECT_EQ(Call("POST", "/devices/gw-7/sync", "device7"), 200);
  EXPECT_EQ(Call("POST", "/devices/gw-8/sync", "device7"), 403);
  EXPECT_EQ(Call("POST", "/devices/gw-7/sync", "operator"), 403);
  EXPECT_EQ(Call("POST", "/devices/gw-8/sync", "admin"), 200);
  EXPECT_EQ(calls_, 2);
}

TEST_F(RestRouterTest, AnyTokenLetsDevicesThrough) {
  EXPECT_EQ(Call("GET", "/any", "device7"), 200);
  EXPECT_EQ(Call("GET", "/any", "operator"), 200);
  EXPECT_EQ(Call("GET", "/any", ""), 401);
  EXPECT_EQ(calls_, 2);
}

TEST_F(RestRouterTest, BodiesOverTheRouteLimitAre413) {
  EXPECT_EQ(Call("POST", "/admin", "admin", std::string(100, 'x')), 200);
  EXPECT_EQ(Call("POST", "/admin", "admin", std::string(101, 'x')), 413);
  EXPECT_NE(last_.body.find("limit of 100 bytes"), std::string::npos) << last_.body;
  EXPECT_EQ(Call("POST", "/big", "admin", std::string(1000, 'x')), 200);
  EXPECT_EQ(Call("POST", "/big", "admin", std::string(1001, 'x')), 413);
  // Past the transport's own limit the server refuses before routing.
  EXPECT_EQ(Call("POST", "/big", "admin", std::string(5000, 'x')), 413);
  EXPECT_EQ(calls_, 2);
}

TEST_F(RestRouterTest, CountsRequestsByRoutePatternAndCode) {
  Call("POST", "/devices/gw-7/sync", "device7");
  Call("POST", "/devices/gw-8/sync", "device7");
  const std::string text = metrics_.Render();
  EXPECT_NE(text.find("edgeloop_server_requests_total{method=\"POST\",route=\"/devices/{id}/sync\","
                      "code=\"200\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("code=\"403\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("edgeloop_server_request_duration_seconds_count{route=\"/devices/{id}/sync\"} 2"),
            std::string::npos)
      << text;
}

TEST_F(RestRouterTest, ListsItsRoutes) {
  ASSERT_EQ(router_->routes().size(), 7u);
  EXPECT_EQ(router_->routes()[4].pattern, "/devices/{id}/sync");
  EXPECT_EQ(router_->routes()[4].access, Access::kOwnDevice);
  EXPECT_EQ(router_->routes()[6].max_body_bytes, 1000);
}

TEST(StatusResponse, MapsCodesInOnePlace) {
  EXPECT_EQ(StatusResponse(InvalidArgument("x")).status, 400);
  EXPECT_EQ(StatusResponse(Unauthenticated("x")).status, 401);
  EXPECT_EQ(StatusResponse(PermissionDenied("x")).status, 403);
  EXPECT_EQ(StatusResponse(NotFound("x")).status, 404);
  EXPECT_EQ(StatusResponse(AlreadyExists("x")).status, 409);
  EXPECT_EQ(StatusResponse(FailedPrecondition("x")).status, 409);
  EXPECT_EQ(StatusResponse(ResourceExhausted("x")).status, 413);
  EXPECT_EQ(StatusResponse(Unavailable("x")).status, 503);
  EXPECT_EQ(StatusResponse(DataLoss("x")).status, 500);
  EXPECT_EQ(StatusResponse(NotFound("model 'm' does not exist")).body,
            "{\"error\":{\"code\":\"not_found\",\"message\":\"model 'm' does not exist\"}}");
}

TEST(Roles, NamesRoundTrip) {
  for (Role r : {Role::kAdmin, Role::kOperator, Role::kDevice}) {
    Role back;
    ASSERT_TRUE(ParseRole(RoleName(r), &back));
    EXPECT_EQ(back, r);
  }
  Role ignored;
  EXPECT_FALSE(ParseRole("root", &ignored));
}

}  // namespace
}  // namespace edgeloop::server
