#include "edgeloop/cmd_devices.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "edgeloop/cmd_server.h"
#include "edgeloop/testing/capture.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::app {
namespace {

using nlohmann::json;
using testing::Capture;

TEST(ParseTagFlag, SplitsAtTheFirstEqualsSign) {
  auto tag = ParseTagFlag("ring=a=b", "--tag");
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->first, "ring");
  EXPECT_EQ(tag->second, "a=b");
  auto empty_value = ParseTagFlag("ring=", "--tag");
  ASSERT_TRUE(empty_value.ok());
  EXPECT_EQ(empty_value->second, "");
  for (const char* bad : {"ring", "=test", ""}) {
    auto parsed = ParseTagFlag(bad, "--tag");
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(parsed.status().message().find("--tag"), std::string::npos);
  }
}

// The commands against a real server in this process.
class CmdDevicesTest : public ::testing::Test {
 protected:
  AppContext Context(Capture& out, Capture& err) {
    AppContext c;
    c.fs = &fs_;
    c.clock = &clock_;
    c.random = &random_;
    c.log = &log_;
    c.out = out.file();
    c.err = err.file();
    c.home = dir_.Join("home");
    return c;
  }

  // Runs `body` with a client of a fresh server holding its first admin token.
  void WithServer(const std::function<void(ServerClient&)>& body) {
    ServerFlags flags;
    flags.listen = "127.0.0.1:0";
    ServerSeams seams;
    seams.secrets = &secrets_;
    seams.wait_for_stop = [&](int port) {
      ServerClientFlags client_flags;
      client_flags.server = "http://127.0.0.1:" + std::to_string(port);
      client_flags.token_file = dir_.Join("home/admin.token");
      auto client = ServerClient::Connect(client_flags, fs_, nullptr, nullptr);
      ASSERT_TRUE(client.ok()) << client.status().ToString();
      body(**client);
    };
    Capture server_out;
    Capture server_err;
    ASSERT_EQ(RunServer(Context(server_out, server_err), flags, seams), 0) << server_err.Text();
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

TEST_F(CmdDevicesTest, ProvisionsListsAndShowsDevices) {
  WithServer([&](ServerClient& client) {
    const AppContext c = Context(out_, err_);
    DevicesProvisionFlags provision;
    provision.id = "gw-1";
    provision.site = "north";
    provision.tags = {"ring=test", "model=ESP-400"};
    provision.assets = {"P001"};
    provision.token_out = dir_.Join("gw-1.token");
    ASSERT_EQ(RunDevicesProvision(c, client, provision), 0) << err_.Text();
    EXPECT_NE(out_.TakeText().find("gw-1.token"), std::string::npos);
    auto token = fs_.ReadFile(provision.token_out);
    ASSERT_TRUE(token.ok());
    EXPECT_TRUE(token->starts_with("elt_tok-")) << *token;
    struct stat st;
    ASSERT_EQ(::stat(provision.token_out.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    // Without --token-out the token is alone on stdout.
    provision.id = "gw-2";
    provision.tags = {"ring=canary"};
    provision.token_out.clear();
    ASSERT_EQ(RunDevicesProvision(c, client, provision), 0) << err_.Text();
    const std::string printed = out_.TakeText();
    EXPECT_TRUE(printed.starts_with("elt_tok-")) << printed;
    EXPECT_EQ(printed.find('\n'), printed.size() - 1) << printed;

    DevicesListFlags list;
    list.selector = "ring=test";
    list.json = true;
    ASSERT_EQ(RunDevicesList(c, client, list), 0) << err_.Text();
    json listed = json::parse(out_.TakeText());
    ASSERT_EQ(listed["devices"].size(), 1u);
    EXPECT_EQ(listed["devices"][0]["id"], "gw-1");
    list.json = false;
    list.selector.clear();
    ASSERT_EQ(RunDevicesList(c, client, list), 0) << err_.Text();
    const std::string table = out_.TakeText();
    EXPECT_NE(table.find("gw-1"), std::string::npos) << table;
    EXPECT_NE(table.find("gw-2"), std::string::npos) << table;
    EXPECT_NE(table.find("model=ESP-400,ring=test"), std::string::npos) << table;

    DevicesShowFlags show;
    show.id = "gw-1";
    ASSERT_EQ(RunDevicesShow(c, client, show), 0) << err_.Text();
    const std::string shown = out_.TakeText();
    EXPECT_NE(shown.find("never synced"), std::string::npos) << shown;
    EXPECT_NE(shown.find("P001"), std::string::npos) << shown;
  });
}

TEST_F(CmdDevicesTest, ServerErrorsKeepTheirMessageAndExitCode) {
  WithServer([&](ServerClient& client) {
    const AppContext c = Context(out_, err_);
    DevicesShowFlags show;
    show.id = "gw-missing";
    EXPECT_EQ(RunDevicesShow(c, client, show), 3);
    EXPECT_NE(err_.TakeText().find("gw-missing"), std::string::npos);

    DevicesProvisionFlags provision;
    provision.id = "gw-1";
    provision.site = "north";
    provision.tags = {"ring"};
    EXPECT_EQ(RunDevicesProvision(c, client, provision), 2);
    EXPECT_NE(err_.TakeText().find("--tag 'ring'"), std::string::npos);
    provision.tags.clear();
    provision.token_out = dir_.Join("t");
    ASSERT_EQ(RunDevicesProvision(c, client, provision), 0);
    out_.TakeText();
    EXPECT_EQ(RunDevicesProvision(c, client, provision), 7);  // 409: the id exists
    EXPECT_NE(err_.TakeText().find("gw-1"), std::string::npos);

    // A bundle that is not on the server.
    DevicesSetDesiredFlags desired;
    desired.id = "gw-1";
    desired.bundle = std::string(64, 'a');
    EXPECT_EQ(RunDevicesSetDesired(c, client, desired), 7);
    EXPECT_NE(err_.TakeText().find("upload it first"), std::string::npos);

    BundleUploadFlags upload;
    upload.file = dir_.Join("t");  // not a bundle
    EXPECT_NE(RunBundleUpload(c, client, upload), 0);
    EXPECT_FALSE(err_.TakeText().empty());
    EXPECT_TRUE(out_.TakeText().empty());
  });
}

}  // namespace
}  // namespace edgeloop::app
