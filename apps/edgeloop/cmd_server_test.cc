#include "edgeloop/cmd_server.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "edgeloop/cmd_tokens.h"
#include "edgeloop/server_client.h"
#include "edgeloop/testing/capture.h"
#include "net/httplib_client.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::app {
namespace {

using nlohmann::json;
using testing::Capture;

class CmdServerTest : public ::testing::Test {
 protected:
  AppContext Context() {
    AppContext c;
    c.fs = &fs_;
    c.clock = &clock_;
    c.random = &random_;
    c.log = &log_;
    c.out = out_.file();
    c.err = err_.file();
    c.home = dir_.Join("home");
    return c;
  }

  store::testing::TempDir dir_;
  PosixFileSystem fs_;
  SimulatedClock clock_{1767225600000};
  Random random_{3};
  Logger log_{LogLevel::kOff};
  server::SeededSecretSource secrets_{8};
  Capture out_;
  Capture err_;
};

TEST(ParseListenAddress, TakesHostAndPort) {
  std::string host;
  int port = -1;
  ASSERT_TRUE(ParseListenAddress("127.0.0.1:8080", &host, &port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8080);
  ASSERT_TRUE(ParseListenAddress("localhost:0", &host, &port).ok());
  EXPECT_EQ(port, 0);
  for (const char* bad : {"8080", ":8080", "host:", "host:70000", "host:http", "host:-1"}) {
    EXPECT_EQ(ParseListenAddress(bad, &host, &port).code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST_F(CmdServerTest, ServesUntilToldToStopAndTellsHowToUseTheAdminToken) {
  ServerFlags flags;
  flags.listen = "127.0.0.1:0";
  int seen_port = 0;
  Status models_call;
  std::string health;
  ServerSeams seams;
  seams.secrets = &secrets_;
  seams.wait_for_stop = [&](int port) {
    seen_port = port;
    ServerClientFlags client_flags;
    client_flags.server = "http://127.0.0.1:" + std::to_string(port);
    client_flags.token_file = dir_.Join("home/admin.token");
    auto client = ServerClient::Connect(client_flags, fs_, nullptr, nullptr);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    auto models = (*client)->GetJson("/api/v1/models");
    models_call = models.ok() ? Status::Ok() : models.status();
    if (models.ok()) {
      EXPECT_EQ((*models)["models"], json::array());
    }
    auto healthz = (*client)->GetJson("/healthz");
    if (healthz.ok()) health = (*healthz)["status"];
    // A missing model comes back as the server's NotFound, message and all.
    auto missing = (*client)->GetJson("/api/v1/models/nope");
    EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
    EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
  };
  ASSERT_EQ(RunServer(Context(), flags, seams), 0) << err_.Text();
  EXPECT_TRUE(models_call.ok()) << models_call.ToString();
  EXPECT_EQ(health, "ok");
  const std::string out = out_.Text();
  EXPECT_NE(out.find("export EDGELOOP_TOKEN=$(cat " + dir_.Join("home/admin.token") + ")"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("listening on http://127.0.0.1:" + std::to_string(seen_port)),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("edgeloop server stopped"), std::string::npos) << out;
}

TEST_F(CmdServerTest, RefusesBadFlagsBeforeCreatingAnything) {
  ServerSeams seams;
  seams.secrets = &secrets_;
  seams.wait_for_stop = [](int) { ADD_FAILURE() << "the server started"; };
  ServerFlags bad_listen;
  bad_listen.listen = "nowhere";
  EXPECT_EQ(RunServer(Context(), bad_listen, seams), 2);
  ServerFlags missing_key;
  missing_key.listen = "127.0.0.1:0";
  missing_key.trust = {dir_.Join("missing.pub")};
  EXPECT_EQ(RunServer(Context(), missing_key, seams), 3);
  EXPECT_FALSE(fs_.Exists(dir_.Join("home")));
  EXPECT_NE(err_.Text().find("missing.pub"), std::string::npos);
}

TEST_F(CmdServerTest, TokensCreateListRevoke) {
  TokensCreateFlags create;
  create.role = "device";
  create.name = "gateway 17";
  create.device = "pump-gw-17";
  ASSERT_EQ(RunTokensCreate(Context(), create, secrets_), 0) << err_.Text();
  const std::string token = std::string(Trim(out_.TakeText()));
  EXPECT_TRUE(token.starts_with("elt_tok-")) << token;
  EXPECT_NE(err_.TakeText().find("shown once"), std::string::npos);

  TokensCreateFlags bad = create;
  bad.role = "root";
  EXPECT_EQ(RunTokensCreate(Context(), bad, secrets_), 2);
  EXPECT_NE(err_.TakeText().find("--role 'root'"), std::string::npos);

  TokensListFlags list;
  list.json = true;
  ASSERT_EQ(RunTokensList(Context(), list), 0);
  json listed = json::parse(out_.TakeText())["tokens"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["role"], "device");
  EXPECT_EQ(listed[0]["device_id"], "pump-gw-17");
  EXPECT_TRUE(listed[0]["revoked"].is_null());
  EXPECT_EQ(listed.dump().find(token.substr(token.rfind('_') + 1)), std::string::npos)
      << "the list shows the secret";

  TokensRevokeFlags revoke;
  revoke.id = listed[0]["id"];
  ASSERT_EQ(RunTokensRevoke(Context(), revoke), 0) << err_.Text();
  EXPECT_NE(out_.TakeText().find("revoked " + revoke.id), std::string::npos);
  EXPECT_EQ(RunTokensRevoke(Context(), revoke), 7);
  revoke.id = "tok-000000000000";
  EXPECT_EQ(RunTokensRevoke(Context(), revoke), 3);
}

TEST_F(CmdServerTest, TokensListNeedsAWorkspace) {
  EXPECT_EQ(RunTokensList(Context(), TokensListFlags{}), 3);
  EXPECT_FALSE(fs_.Exists(dir_.Join("home")));
}

TEST(ResolveToken, FileThenEnvironment) {
  store::testing::TempDir dir;
  PosixFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic(dir.Join("t"), "  elt_x \nignored\n").ok());
  EXPECT_EQ(*ResolveToken(fs, dir.Join("t"), "elt_env"), "elt_x");
  EXPECT_EQ(*ResolveToken(fs, "", "elt_env"), "elt_env");
  EXPECT_EQ(ResolveToken(fs, "", nullptr).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveToken(fs, dir.Join("none"), "elt_env").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(fs.WriteFileAtomic(dir.Join("empty"), "\n").ok());
  EXPECT_EQ(ResolveToken(fs, dir.Join("empty"), nullptr).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(StatusFromReply, InvertsTheServerMapping) {
  auto reply = [](int status) {
    return net::ErrorResponse(status, "why " + std::to_string(status));
  };
  EXPECT_TRUE(StatusFromReply(net::JsonResponse(201, "{}")).ok());
  EXPECT_EQ(StatusFromReply(reply(400)), InvalidArgument("why 400"));
  EXPECT_EQ(StatusFromReply(reply(401)).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(StatusFromReply(reply(403)).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(StatusFromReply(reply(404)).code(), StatusCode::kNotFound);
  EXPECT_EQ(StatusFromReply(reply(409)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusFromReply(reply(413)).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(StatusFromReply(reply(503)).code(), StatusCode::kUnavailable);
  EXPECT_EQ(StatusFromReply(net::TextResponse(502, "bad gateway")),
            Internal("server answered 502"));
}

}  // namespace
}  // namespace edgeloop::app
