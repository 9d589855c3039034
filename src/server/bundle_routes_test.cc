#include "server/bundle_routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "bundle/bundle_builder.h"
#include "bundle/testing/test_bundle.h"
#include "server/testing/test_server.h"

namespace edgeloop::server {
namespace {

using nlohmann::json;
using testing::Show;
using testing::TestServer;

class BundleRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = bundle::testing::TestKey(41);
    ControlPlaneOptions options;
    options.trusted_keys = {key_.public_key()};
    options.signing_key = key_;
    server_ = TestServer::Start(options);
    ASSERT_NE(server_, nullptr);
    admin_ = server_->admin_token();
    auto bytes = bundle::BuildBundle(bundle::testing::TestInputs(), key_);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    bytes_ = *bytes;
    digest_ = Sha256Hex(bytes_);
  }

  net::HttpResponse Upload(const std::string& bytes, const std::string& token) {
    return server_->Send("POST", "/api/v1/bundles", token, bytes,
                         {{"content-type", "application/octet-stream"}});
  }

  json AuditEntries() {
    auto r = server_->Get("/api/v1/audit", admin_, {{"after", "1"}});
    EXPECT_EQ(r.status, 200) << Show(r);
    return json::parse(r.body)["entries"];
  }

  json Bundles() {
    auto r = server_->Get("/api/v1/bundles", admin_);
    EXPECT_EQ(r.status, 200) << Show(r);
    return json::parse(r.body)["bundles"];
  }

  bundle::SigningKey key_ = bundle::testing::TestKey(41);
  std::unique_ptr<TestServer> server_;
  std::string admin_;
  std::string bytes_;
  std::string digest_;
};

TEST_F(BundleRoutesTest, GoodBundleIsStoredOnceAndAuditedOnce) {
  auto first = Upload(bytes_, admin_);
  ASSERT_EQ(first.status, 201) << Show(first);
  json summary = json::parse(first.body);
  EXPECT_EQ(summary["digest"], digest_);
  EXPECT_EQ(summary["name"], "pump-failure");
  EXPECT_EQ(summary["version"], 3);
  EXPECT_EQ(summary["signer_key_id"], key_.key_id());
  EXPECT_EQ(summary["download_url"], "/api/v1/bundles/" + digest_ + "/download");
  EXPECT_TRUE(server_->plane().workspace().artifacts().Has(digest_));

  auto again = Upload(bytes_, admin_);
  EXPECT_EQ(again.status, 200) << Show(again);
  EXPECT_EQ(json::parse(again.body)["digest"], digest_);
  EXPECT_EQ(Bundles().size(), 1u);
  json entries = AuditEntries();
  ASSERT_EQ(entries.size(), 1u) << entries.dump();
  EXPECT_EQ(entries[0]["action"], "bundle.upload");
  EXPECT_EQ(entries[0]["target"], "bundle/" + digest_);

  auto shown = server_->Get("/api/v1/bundles/" + digest_, admin_);
  ASSERT_EQ(shown.status, 200) << Show(shown);
  EXPECT_EQ(json::parse(shown.body)["manifest"]["bundle"]["name"], "pump-failure");
  EXPECT_EQ(json::parse(shown.body)["manifest"]["lineage"]["run_id"], "run-0123456789ab");
}

TEST_F(BundleRoutesTest, TamperedBundleIs400NamingTheCheckAndStoresNothing) {
  std::string tampered = bytes_;
  tampered[tampered.size() / 2] ^= 0x01;
  auto r = Upload(tampered, admin_);
  EXPECT_EQ(r.status, 400) << Show(r);
  const std::string message = json::parse(r.body)["error"]["message"];
  EXPECT_TRUE(message.starts_with("bundle " + ShortDigest(Sha256Hex(tampered)))) << message;
  EXPECT_FALSE(server_->plane().workspace().artifacts().Has(Sha256Hex(tampered)));

  auto other_signer = bundle::BuildBundle(bundle::testing::TestInputs(), bundle::testing::TestKey(99));
  ASSERT_TRUE(other_signer.ok());
  auto untrusted = Upload(*other_signer, admin_);
  EXPECT_EQ(untrusted.status, 400) << Show(untrusted);
  EXPECT_NE(untrusted.body.find("trusted"), std::string::npos) << untrusted.body;

  auto garbage = Upload("not a bundle", admin_);
  EXPECT_EQ(garbage.status, 400) << Show(garbage);
  EXPECT_EQ(Upload("", admin_).status, 400);

  EXPECT_TRUE(Bundles().empty());
  EXPECT_TRUE(AuditEntries().empty());
}

TEST_F(BundleRoutesTest, OnlyAdminsUpload) {
  const std::string op = server_->Token(Role::kOperator, "alice");
  EXPECT_EQ(Upload(bytes_, op).status, 403);
  EXPECT_EQ(Upload(bytes_, "").status, 401);
  EXPECT_FALSE(server_->plane().workspace().artifacts().Has(digest_));
}

TEST_F(BundleRoutesTest, DownloadResumesWithRangeToIdenticalBytes) {
  ASSERT_EQ(Upload(bytes_, admin_).status, 201);
  const std::string device = server_->Token(Role::kDevice, "gw", "pump-gw-1");
  const std::string path = "/api/v1/bundles/" + digest_ + "/download";

  auto whole = server_->Get(path, device);
  ASSERT_EQ(whole.status, 200) << Show(whole);
  EXPECT_EQ(whole.body, bytes_);
  EXPECT_EQ(whole.content_type, "application/octet-stream");
  EXPECT_EQ(net::HeaderValue(whole, "accept-ranges"), "bytes");

  // A download cut after `cut` bytes, resumed from there.
  const size_t cut = bytes_.size() / 3;
  std::string received = bytes_.substr(0, cut);
  auto rest = server_->Send("GET", path, device, "", {{"range", "bytes=" + std::to_string(cut) + "-"}});
  ASSERT_EQ(rest.status, 206) << Show(rest);
  EXPECT_EQ(net::HeaderValue(rest, "content-range"),
            "bytes " + std::to_string(cut) + "-" + std::to_string(bytes_.size() - 1) + "/" +
                std::to_string(bytes_.size()));
  received += rest.body;
  EXPECT_EQ(received.size(), bytes_.size());
  EXPECT_EQ(Sha256Hex(received), digest_);

  auto past = server_->Send("GET", path, device, "",
                            {{"range", "bytes=" + std::to_string(bytes_.size()) + "-"}});
  EXPECT_EQ(past.status, 416) << Show(past);
  EXPECT_EQ(net::HeaderValue(past, "content-range"), "bytes */" + std::to_string(bytes_.size()));

  EXPECT_EQ(server_->Get(path, "").status, 401);
  EXPECT_EQ(server_->Get("/api/v1/bundles/" + std::string(64, 'a') + "/download", device).status,
            404);
  EXPECT_EQ(server_->Get("/api/v1/bundles/xyz/download", device).status, 400);
}

TEST_F(BundleRoutesTest, BuildsASignedBundleFromARegisteredVersion) {
  // A version trained by a run that recorded its feature spec, as `edgeloop train` leaves it.
  auto& artifacts = server_->plane().workspace().artifacts();
  bundle::BundleInputs in = bundle::testing::TestInputs();
  auto spec_digest = artifacts.Put(in.feature_spec.ToYaml());
  auto model_digest = artifacts.Put(in.model_json);
  ASSERT_TRUE(spec_digest.ok() && model_digest.ok());
  {
    auto lease = server_->plane().db().Acquire();
    ASSERT_TRUE(lease.ok());
    registry::RunSpec spec;
    spec.config_text = "test";
    spec.inputs = {{"feature_spec", *spec_digest}};
    auto run = lease->registry().CreateRun(spec);
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    registry::RunOutcome outcome;
    outcome.model_digest = *model_digest;
    ASSERT_TRUE(lease->registry().FinishRun(run->id, outcome).ok());
    registry::NewModelVersion v;
    v.model = "pump-failure";
    v.kind = "xgboost:binary:logistic";
    v.model_digest = *model_digest;
    v.feature_names = in.feature_names;
    v.source_run_id = run->id;
    ASSERT_TRUE(lease->registry().CreateModelVersion(v).ok());
  }
  auto built = server_->Send("POST", "/api/v1/bundles/build", admin_, "{\"model\":\"pump-failure@1\"}");
  ASSERT_EQ(built.status, 201) << Show(built);
  json summary = json::parse(built.body);
  EXPECT_EQ(summary["source"], "build");
  EXPECT_EQ(summary["version"], 1);
  const std::string digest = summary["digest"];
  EXPECT_TRUE(artifacts.Has(digest));
  // The same version and key give the same bundle.
  auto again = server_->Send("POST", "/api/v1/bundles/build", admin_, "{\"model\":\"pump-failure\"}");
  ASSERT_EQ(again.status, 200) << Show(again);
  EXPECT_EQ(json::parse(again.body)["digest"], digest);

  EXPECT_EQ(server_->Send("POST", "/api/v1/bundles/build", admin_, "{\"model\":\"nope@1\"}").status,
            404);
  EXPECT_EQ(server_->Send("POST", "/api/v1/bundles/build", admin_, "{\"model\":1}").status, 400);
  EXPECT_EQ(server_->Send("POST", "/api/v1/bundles/build", admin_, "{\"ref\":\"x\"}").status, 400);
  json entries = AuditEntries();
  ASSERT_EQ(entries.size(), 1u) << entries.dump();
  EXPECT_EQ(entries[0]["action"], "bundle.build");
}

TEST(BundleRoutesWithoutKeys, UploadAndBuildAre409) {
  auto server = TestServer::Start();
  ASSERT_NE(server, nullptr);
  auto bytes = bundle::BuildBundle(bundle::testing::TestInputs(), bundle::testing::TestKey(41));
  ASSERT_TRUE(bytes.ok());
  auto upload = server->Send("POST", "/api/v1/bundles", server->admin_token(), *bytes);
  EXPECT_EQ(upload.status, 409) << Show(upload);
  EXPECT_NE(upload.body.find("--trust"), std::string::npos);
  auto build = server->Send("POST", "/api/v1/bundles/build", server->admin_token(),
                            "{\"model\":\"pump-failure@1\"}");
  EXPECT_EQ(build.status, 409) << Show(build);
  EXPECT_NE(build.body.find("--key"), std::string::npos);
}

}  // namespace
}  // namespace edgeloop::server
