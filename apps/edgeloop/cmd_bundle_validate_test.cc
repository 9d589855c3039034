// In-process tests of `edgeloop bundle validate` (RunBundleValidate) against a real workspace.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/random.h"
#include "base/sha256.h"
#include "bundle/bundle_builder.h"
#include "bundle/key_file.h"
#include "bundle/testing/test_bundle.h"
#include "edgeloop/cmd_bundle.h"
#include "edgeloop/cmd_models.h"
#include "edgeloop/testing/capture.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::app {
namespace {

using testing::Capture;

class BundleValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    context_.fs = &fs_;
    context_.clock = &clock_;
    context_.random = &random_;
    context_.out = out_.file();
    context_.err = err_.file();
    context_.home = dir_.Join("home");
    bundle::SigningKey key = bundle::testing::TestKey(42);
    ASSERT_TRUE(bundle::SavePublicKey(fs_, key.public_key(), dir_.Join("trusted.pub")).ok());
    ASSERT_TRUE(bundle::SavePublicKey(fs_, bundle::testing::TestKey(7).public_key(),
                                      dir_.Join("other.pub"))
                    .ok());
    bytes_ = std::move(bundle::BuildBundle(bundle::testing::TestInputs(), key)).value();
    ASSERT_TRUE(fs_.WriteFileAtomic(dir_.Join("b.elb"), bytes_).ok());
  }

  // A workspace whose registry has pump-failure versions 1..3 (the bundle is version 3).
  void MakeWorkspace() {
    Result<OpenedWorkspace> opened = OpenWorkspace(context_, /*create=*/true);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    for (int i = 1; i <= 3; ++i) {
      registry::NewModelVersion spec;
      spec.model = "pump-failure";
      spec.kind = "xgboost:binary:logistic";
      spec.model_digest = Sha256Hex("model " + std::to_string(i));
      spec.feature_names = {"bearing_temp__mean", "bearing_temp__max"};
      spec.source = "imported from model.json";
      ASSERT_TRUE(opened->registry->CreateModelVersion(spec).ok());
    }
  }

  BundleValidateFlags Flags(const std::string& trust = "trusted.pub") {
    BundleValidateFlags flags;
    flags.file = dir_.Join("b.elb");
    flags.trust = {dir_.Join(trust)};
    flags.latency_iterations = 5;
    return flags;
  }

  store::testing::TempDir dir_;
  PosixFileSystem fs_;
  SimulatedClock clock_{1767225600000};
  Random random_{5};
  Capture out_;
  Capture err_;
  AppContext context_;
  std::string bytes_;
};

TEST_F(BundleValidateTest, PassingBundleExitsZeroAndIsRecorded) {
  MakeWorkspace();
  BundleValidateFlags flags = Flags();
  flags.json = true;
  ASSERT_EQ(RunBundleValidate(context_, flags), 0) << err_.Text();
  nlohmann::json report = nlohmann::json::parse(out_.TakeText());
  EXPECT_TRUE(report["passed"].get<bool>());
  EXPECT_EQ(report["bundle_digest"], Sha256Hex(bytes_));
  EXPECT_NE(err_.Text().find("recorded the report against pump-failure version 3"),
            std::string::npos);

  Result<OpenedWorkspace> opened = OpenWorkspace(context_, false);
  ASSERT_TRUE(opened.ok());
  auto records = opened->registry->ListValidations("pump-failure", 3);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_TRUE((*records)[0].passed);
  EXPECT_EQ((*records)[0].bundle_digest, Sha256Hex(bytes_));

  ModelsShowFlags show;
  show.ref = "pump-failure@3";
  show.json = true;
  ASSERT_EQ(ModelsShow(*opened->workspace, *opened->registry, show, out_.file(), err_.file()), 0);
  nlohmann::json shown = nlohmann::json::parse(out_.TakeText());
  ASSERT_EQ(shown["validations"].size(), 1u);
  EXPECT_TRUE(shown["validations"][0]["passed"].get<bool>());
  EXPECT_TRUE(shown["validations"][0]["report"]["passed"].get<bool>());
  show.json = false;
  ASSERT_EQ(ModelsShow(*opened->workspace, *opened->registry, show, out_.file(), err_.file()), 0);
  EXPECT_NE(out_.Text().find("validations\n"), std::string::npos) << out_.Text();
}

TEST_F(BundleValidateTest, FailedGateExitsOneAndSaysWhich) {
  ASSERT_TRUE(fs_.WriteFileAtomic(dir_.Join("gates.yaml"), "max_bundle_bytes: 100\n").ok());
  BundleValidateFlags flags = Flags();
  flags.gates = dir_.Join("gates.yaml");
  EXPECT_EQ(RunBundleValidate(context_, flags), 1);
  EXPECT_NE(out_.Text().find("FAIL  bundle_size"), std::string::npos) << out_.Text();
  EXPECT_NE(err_.Text().find("gate failed: bundle_size"), std::string::npos);
  // No workspace: the report is not recorded, and the exit code does not change.
  EXPECT_NE(err_.Text().find("did not record the report against pump-failure version 3"),
            std::string::npos)
      << err_.Text();
}

TEST_F(BundleValidateTest, UntrustedKeyExitsFour) {
  EXPECT_EQ(RunBundleValidate(context_, Flags("other.pub")), 4);
  EXPECT_NE(err_.Text().find("manifest signature does not verify with any trusted key"),
            std::string::npos)
      << err_.Text();
}

TEST_F(BundleValidateTest, ChangedByteExitsSixNamingTheCheck) {
  std::string changed = bytes_;
  changed[changed.size() / 2] ^= 0x04;
  ASSERT_TRUE(fs_.WriteFileAtomic(dir_.Join("b.elb"), changed).ok());
  EXPECT_EQ(RunBundleValidate(context_, Flags()), 6);
  EXPECT_NE(out_.Text().find("verification  FAILED: "), std::string::npos) << out_.Text();
}

TEST_F(BundleValidateTest, BadGatesFileExitsTwo) {
  ASSERT_TRUE(fs_.WriteFileAtomic(dir_.Join("gates.yaml"), "max_speed: 3\n").ok());
  BundleValidateFlags flags = Flags();
  flags.gates = dir_.Join("gates.yaml");
  EXPECT_EQ(RunBundleValidate(context_, flags), 2);
  EXPECT_NE(err_.Text().find("gates.yaml:1: unknown gate 'max_speed'"), std::string::npos)
      << err_.Text();
}

}  // namespace
}  // namespace edgeloop::app
