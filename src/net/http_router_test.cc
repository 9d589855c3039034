#include "net/http_router.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace edgeloop::net {
namespace {

HttpHandler Reply(std::string text) {
  return [text](const HttpRequest&) { return TextResponse(200, text); };
}

HttpRequest Request(std::string method, std::string path) {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  return request;
}

TEST(HttpRouter, FillsPathParams) {
  HttpRouter router;
  ASSERT_TRUE(router
                  .Add("POST", "/api/v1/devices/{id}/sync",
                       [](const HttpRequest& r) {
                         return TextResponse(200, "sync " + r.path_params.at("id"));
                       })
                  .ok());
  HttpRequest request = Request("POST", "/api/v1/devices/dev-7/sync");
  HttpResponse response = router.Dispatch(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "sync dev-7");
  EXPECT_EQ(request.path_params.at("id"), "dev-7");
}

TEST(HttpRouter, PrefersMoreLiteralSegments) {
  HttpRouter router;
  ASSERT_TRUE(router.Add("GET", "/devices/{id}", Reply("param")).ok());
  ASSERT_TRUE(router.Add("GET", "/devices/self", Reply("literal")).ok());
  HttpRequest self = Request("GET", "/devices/self");
  EXPECT_EQ(router.Dispatch(self).body, "literal");
  HttpRequest other = Request("GET", "/devices/d1");
  EXPECT_EQ(router.Dispatch(other).body, "param");
}

TEST(HttpRouter, UnknownPathIs404Json) {
  HttpRouter router;
  ASSERT_TRUE(router.Add("GET", "/healthz", Reply("ok")).ok());
  HttpRequest request = Request("GET", "/nope");
  HttpResponse response = router.Dispatch(request);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body,
            "{\"error\":{\"code\":\"not_found\",\"message\":\"no route for GET /nope\"}}");
}

TEST(HttpRouter, EmptyParamSegmentDoesNotMatch) {
  HttpRouter router;
  ASSERT_TRUE(router.Add("GET", "/devices/{id}", Reply("x")).ok());
  HttpRequest request = Request("GET", "/devices/");
  EXPECT_EQ(router.Dispatch(request).status, 404);
}

TEST(HttpRouter, WrongMethodIs405WithAllow) {
  HttpRouter router;
  ASSERT_TRUE(router.Add("GET", "/models", Reply("list")).ok());
  ASSERT_TRUE(router.Add("POST", "/models", Reply("create")).ok());
  HttpRequest request = Request("DELETE", "/models");
  HttpResponse response = router.Dispatch(request);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.headers.at("allow"), "GET, HEAD, POST");
  EXPECT_NE(response.body.find("method_not_allowed"), std::string::npos);
}

TEST(HttpRouter, HeadUsesGetRoute) {
  HttpRouter router;
  ASSERT_TRUE(router.Add("GET", "/healthz", Reply("ok")).ok());
  HttpRequest request = Request("HEAD", "/healthz");
  EXPECT_EQ(router.Dispatch(request).status, 200);
}

TEST(HttpRouter, HandlerExceptionBecomes500) {
  HttpRouter router;
  ASSERT_TRUE(router
                  .Add("GET", "/boom",
                       [](const HttpRequest&) -> HttpResponse {
                         throw std::runtime_error("kaput");
                       })
                  .ok());
  HttpRequest request = Request("GET", "/boom");
  HttpResponse response = router.Dispatch(request);
  EXPECT_EQ(response.status, 500);
  EXPECT_NE(response.body.find("kaput"), std::string::npos);
  EXPECT_NE(response.body.find("\"code\":\"internal\""), std::string::npos);
}

TEST(HttpRouter, RejectsBadPatterns) {
  HttpRouter router;
  EXPECT_EQ(router.Add("GET", "no-slash", Reply("")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(router.Add("GET", "/a/{}", Reply("")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(router.Add("GET", "/a/{id", Reply("")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(router.Add("GET", "/a/{id}/{id}", Reply("")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(router.Add("GET", "/a/x{id}", Reply("")).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(router.Add("get", "/a", Reply("")).ok());
  EXPECT_EQ(router.Add("GET", "/a", Reply("")).code(), StatusCode::kAlreadyExists);
}

TEST(HttpTypes, ErrorResponseEscapesMessage) {
  HttpResponse response = ErrorResponse(400, "bad \"x\"\n");
  EXPECT_EQ(response.body,
            "{\"error\":{\"code\":\"bad_request\",\"message\":\"bad \\\"x\\\"\\n\"}}");
}

TEST(HttpTypes, EncodeQueryIsSortedAndEscaped) {
  EXPECT_EQ(EncodeQuery({{"b", "x y"}, {"a", "1&2"}}), "a=1%262&b=x%20y");
  EXPECT_EQ(EncodeQuery({}), "");
}

}  // namespace
}  // namespace edgeloop::net
