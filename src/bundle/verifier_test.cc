#include "bundle/verifier.h"

#include <gtest/gtest.h>

#include "base/file_system.h"
#include "base/sha256.h"
#include "bundle/bundle_builder.h"
#include "bundle/bundle_seal.h"
#include "bundle/manifest_signature.h"
#include "bundle/testing/tar_extract.h"
#include "bundle/testing/test_bundle.h"

namespace edgeloop::bundle {
namespace {

const SigningKey& Key() {
  static const SigningKey key = testing::TestKey(42);
  return key;
}

std::vector<PublicKey> Trusted() { return {testing::TestKey(41).public_key(), Key().public_key()}; }

std::string Build() {
  Result<std::string> bytes = BuildBundle(testing::TestInputs(), Key());
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return std::move(bytes).value();
}

BundleContents Prepared() {
  Result<BundleContents> contents = PrepareBundle(testing::TestInputs());
  EXPECT_TRUE(contents.ok()) << contents.status().ToString();
  return std::move(contents).value();
}

// Replaces a file and records its new hash in the manifest (as a forger would).
void ReplaceFile(BundleContents& contents, const std::string& path, const std::string& bytes) {
  contents.files[path] = bytes;
  contents.manifest.files[path] = FileDigest{Sha256Hex(bytes), bytes.size()};
}

std::string PackAndSeal(const BundleFiles& files) {
  return SealBundle(std::move(PackBundle(files, 0)).value(), Key());
}

std::string VerifyError(const std::string& bytes) {
  Result<VerifiedBundle> r = VerifyBundle(bytes, Trusted());
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(VerifyBundle, AcceptsWhatBuildBundleWrote) {
  std::string bytes = Build();
  Result<VerifiedBundle> v = VerifyBundle(bytes, Trusted());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->digest, Sha256Hex(bytes));
  EXPECT_EQ(v->signer_key_id, Key().key_id());
  EXPECT_EQ(v->manifest.name, "pump-failure");
  EXPECT_EQ(v->manifest.version, 3);
  EXPECT_EQ(v->manifest.model_kind, "tree_ensemble");
  EXPECT_EQ(v->manifest.input_schema,
            (std::vector<std::string>{"bearing_temp__mean", "bearing_temp__max"}));
  EXPECT_EQ(v->manifest.lineage.model_digest, Sha256Hex(testing::TwoFeatureModelJson()));
  EXPECT_EQ(v->manifest.lineage.run_id, "run-0123456789ab");
  EXPECT_EQ(v->manifest.alert_policy, (AlertPolicy{2, 3, 6 * 3600 * 1000}));
  EXPECT_EQ(v->feature_spec.Digest(), v->manifest.feature_spec_digest);
  EXPECT_EQ(v->files.size(), 5u);
  double row[2] = {60, 95};
  EXPECT_GT(v->scorer->Score(row), 0.5);
}

TEST(BuildBundle, SameInputsGiveSameBytes) {
  std::string a = Build();
  EXPECT_EQ(a, Build());
  BundleInputs later = testing::TestInputs();
  later.created_ms += 1000;
  EXPECT_NE(a, std::move(BuildBundle(later, Key())).value());
}

TEST(BuildBundle, RejectsInputsThatCannotMakeAWorkingBundle) {
  BundleInputs narrow = testing::TestInputs();
  narrow.feature_names.pop_back();
  EXPECT_NE(BuildBundle(narrow, Key()).status().message().find("the model takes 2 features"),
            std::string::npos);
  BundleInputs no_golden = testing::TestInputs();
  no_golden.golden_rows.clear();
  EXPECT_NE(BuildBundle(no_golden, Key()).status().message().find("golden rows"),
            std::string::npos);
  BundleInputs bad_model = testing::TestInputs();
  bad_model.model_json = "{}";
  EXPECT_NE(BuildBundle(bad_model, Key()).status().message().find("model.json"), std::string::npos);
  BundleInputs bad_policy = testing::TestInputs();
  bad_policy.alert_policy = AlertPolicy{4, 3, 0};
  EXPECT_NE(BuildBundle(bad_policy, Key()).status().message().find("alert_policy.k"),
            std::string::npos);
}

TEST(VerifyBundle, EverySingleByteChangeIsRejected) {
  const std::string bytes = Build();
  ASSERT_TRUE(VerifyBundle(bytes, Trusted()).ok());
  // Every position of the file: zstd frame header, compressed blocks, checksum.
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    std::string tampered = bytes;
    tampered[pos] = static_cast<char>(tampered[pos] ^ 0x01);
    Result<VerifiedBundle> r = VerifyBundle(tampered, Trusted());
    ASSERT_FALSE(r.ok()) << "flipping a bit of byte " << pos << " of " << bytes.size()
                         << " was not detected";
    EXPECT_NE(r.status().message().find("bundle " + ShortDigest(Sha256Hex(tampered)) + ": "),
              std::string::npos);
  }
}

TEST(VerifyBundle, UntrustedSignerFailsTheSignatureCheck) {
  SigningKey rogue = testing::TestKey(666);
  std::string bytes = std::move(BuildBundle(testing::TestInputs(), rogue)).value();
  Result<VerifiedBundle> r = VerifyBundle(bytes, Trusted());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(r.status().message().rfind("bundle " + ShortDigest(Sha256Hex(bytes)) +
                                           ": manifest signature does not verify with any "
                                           "trusted key (signed by key " +
                                           rogue.key_id(),
                                       0),
            0u)
      << r.status().message();
  EXPECT_FALSE(VerifyBundle(Build(), {}).ok());
}

TEST(VerifyBundle, MissingOrForeignSealIsRejected) {
  std::string bytes = Build();
  std::string unsealed = bytes.substr(0, bytes.size() - kSealBytes);
  EXPECT_NE(VerifyError(unsealed).find("archive is not readable: bundle file does not end with"),
            std::string::npos);
  // Resealed by another trusted key: the content signer and the seal must be the same key.
  SigningKey other = testing::TestKey(41);
  std::string message = VerifyError(SealBundle(unsealed, other));
  EXPECT_NE(message.find("bundle file seal does not verify"), std::string::npos) << message;
}

TEST(VerifyBundle, StandardTarWithZstdOpensASealedBundle) {
  if (!testing::TarWithZstdAvailable()) {
    GTEST_SKIP() << "needs /usr/bin/tar and /usr/bin/zstd for tar --zstd";
  }
  char tmpl[] = "/tmp/el_bundle_verify_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  PosixFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic(dir + "/pump.bundle", Build()).ok());
  ASSERT_TRUE(fs.CreateDirs(dir + "/out").ok());
  ASSERT_EQ(testing::TarExtract(dir + "/pump.bundle", dir + "/out"), 0);
  Result<std::vector<std::string>> names = fs.ListDir(dir + "/out");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"feature_spec.yaml", "golden.csv", "manifest.json",
                                              "manifest.sig", "model.json"}));
  EXPECT_EQ(*fs.ReadFile(dir + "/out/model.json"), testing::TwoFeatureModelJson());
}

TEST(VerifyBundle, MissingFileIsNamed) {
  BundleContents contents = Prepared();
  contents.files.erase("golden.csv");
  std::string message = VerifyError(*SignAndPack(contents, Key()));
  EXPECT_NE(message.find("file golden.csv is listed in the manifest but missing"),
            std::string::npos)
      << message;
}

TEST(VerifyBundle, MissingManifestOrSignatureIsNamed) {
  BundleContents contents = Prepared();
  EXPECT_NE(VerifyError(PackAndSeal(contents.files)).find("manifest.json is missing"),
            std::string::npos);
  BundleFiles unsigned_files = contents.files;
  unsigned_files["manifest.json"] = contents.manifest.ToJson();
  EXPECT_NE(VerifyError(PackAndSeal(unsigned_files)).find("manifest.sig is missing"),
            std::string::npos);
}

TEST(VerifyBundle, TamperedModelWithRecomputedHashButOldSignatureFailsTheSignature) {
  BundleContents contents = Prepared();
  const std::string old_signature =
      ManifestSignature::Sign(Key(), contents.manifest.ToJson()).ToText();
  ReplaceFile(contents, "model.json", testing::TwoFeatureModelJson(5.0));
  contents.manifest.lineage.model_digest = Sha256Hex(contents.files["model.json"]);
  BundleFiles files = contents.files;
  files["manifest.json"] = contents.manifest.ToJson();
  files["manifest.sig"] = old_signature;
  Result<VerifiedBundle> r = VerifyBundle(PackAndSeal(files), Trusted());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("manifest signature does not verify"), std::string::npos);
}

TEST(VerifyBundle, FileNotInTheManifestIsRejected) {
  BundleContents contents = Prepared();
  contents.files["extra.bin"] = "surprise";
  EXPECT_NE(VerifyError(*SignAndPack(contents, Key()))
                .find("file extra.bin is not listed in the manifest"),
            std::string::npos);
}

TEST(VerifyBundle, ChangedFileWithOldManifestHashIsRejected) {
  BundleContents contents = Prepared();
  contents.files["model.json"] = testing::TwoFeatureModelJson(5.0);
  std::string message = VerifyError(*SignAndPack(contents, Key()));
  EXPECT_NE(message.find("file model.json has"), std::string::npos) << message;
}

TEST(VerifyBundle, SignedButWrongGoldenOutputsAreRejected) {
  BundleContents contents = Prepared();
  std::string golden = contents.files["golden.csv"];
  golden.replace(golden.rfind(','), std::string::npos, ",0.25\n");
  ReplaceFile(contents, "golden.csv", golden);
  std::string message = VerifyError(*SignAndPack(contents, Key()));
  EXPECT_NE(message.find("golden outputs do not reproduce: golden.csv: row 6"), std::string::npos)
      << message;
}

TEST(VerifyBundle, SignedButInconsistentSpecOrSchemaIsRejected) {
  BundleContents spec = Prepared();
  spec.manifest.feature_spec_digest = std::string(64, '0');
  EXPECT_NE(VerifyError(*SignAndPack(spec, Key())).find("feature spec digest"), std::string::npos);

  BundleContents schema = Prepared();
  schema.manifest.input_schema.push_back("flow__mean");
  std::string message = VerifyError(*SignAndPack(schema, Key()));
  EXPECT_NE(message.find("model takes 2 features, the input schema has 3"), std::string::npos)
      << message;
}

}  // namespace
}  // namespace edgeloop::bundle
