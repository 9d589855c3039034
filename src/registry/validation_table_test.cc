#include <gtest/gtest.h>

#include "base/sha256.h"
#include "registry/sqlite_registry.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::registry {
namespace {

class ValidationTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(dir_.Join("edgeloop.db"));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    auto registry = SqliteRegistry::Open(*db_, clock_, random_);
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(*registry);
    NewModelVersion spec;
    spec.model = "pump-failure";
    spec.kind = "xgboost:binary:logistic";
    spec.model_digest = Sha256Hex("model");
    spec.feature_names = {"a", "b"};
    spec.source = "imported from model.json";
    ASSERT_TRUE(registry_->CreateModelVersion(spec).ok());
  }

  store::testing::TempDir dir_;
  SimulatedClock clock_{1767225600000};
  Random random_{42};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<SqliteRegistry> registry_;
};

TEST_F(ValidationTableTest, RecordsAndListsNewestFirst) {
  const std::string digest = Sha256Hex("bundle");
  auto first = registry_->RecordValidation("pump-failure", 1, digest, false,
                                           R"({"passed":false})", 1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = registry_->RecordValidation("pump-failure", 1, digest, true,
                                            R"({"passed":true})", 2000);
  ASSERT_TRUE(second.ok());
  EXPECT_GT(second->id, first->id);
  EXPECT_EQ(second->report_digest, Sha256Hex(R"({"passed":true})"));

  auto list = registry_->ListValidations("pump-failure", 1);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE((*list)[0].passed);
  EXPECT_EQ((*list)[0].created_ms, 2000);
  EXPECT_EQ((*list)[0].report_json, R"({"passed":true})");
  EXPECT_EQ((*list)[1].bundle_digest, digest);
  EXPECT_FALSE((*list)[1].passed);

  auto version = registry_->GetModelVersion("pump-failure", 1);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->validation_report_digest, second->report_digest);
}

TEST_F(ValidationTableTest, RejectsMissingVersionsAndBadInput) {
  const std::string digest = Sha256Hex("bundle");
  EXPECT_EQ(registry_->RecordValidation("pump-failure", 2, digest, true, "{}", 1).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(registry_->RecordValidation("other", 1, digest, true, "{}", 1).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(registry_->RecordValidation("pump-failure", 1, "abc", true, "{}", 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      registry_->RecordValidation("pump-failure", 1, digest, true, "not json", 1).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_->ListValidations("pump-failure", 9).status().code(), StatusCode::kNotFound);
  auto none = registry_->ListValidations("pump-failure", 1);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace edgeloop::registry
