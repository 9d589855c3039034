#include "registry/model_ref.h"

#include <gtest/gtest.h>

#include "registry/names.h"

namespace edgeloop::registry {
namespace {

TEST(ModelRef, ParsesEveryForm) {
  auto latest = ParseModelRef("pump-failure");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->model, "pump-failure");
  EXPECT_EQ(latest->selector, ModelRef::Selector::kLatest);
  EXPECT_EQ(ParseModelRef("pump-failure@latest")->selector, ModelRef::Selector::kLatest);

  auto numbered = ParseModelRef("pump-failure@12");
  ASSERT_TRUE(numbered.ok());
  EXPECT_EQ(numbered->selector, ModelRef::Selector::kVersion);
  EXPECT_EQ(numbered->version, 12);
  EXPECT_EQ(numbered->ToString(), "pump-failure@12");

  auto aliased = ParseModelRef("esp.v2@champion");
  ASSERT_TRUE(aliased.ok());
  EXPECT_EQ(aliased->model, "esp.v2");
  EXPECT_EQ(aliased->selector, ModelRef::Selector::kAlias);
  EXPECT_EQ(aliased->alias, "champion");
  EXPECT_EQ(aliased->ToString(), "esp.v2@champion");
}

TEST(ModelRef, RejectsMalformedReferences) {
  for (const char* bad : {"", "@champion", "Pump", "pump@", "pump@0", "pump@3x", "pump@Champion",
                          "pump@99999999999", "pump@a@b", "pump failure"}) {
    auto ref = ParseModelRef(bad);
    EXPECT_FALSE(ref.ok()) << bad;
    if (!ref.ok()) {
      EXPECT_EQ(ref.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
  EXPECT_NE(ParseModelRef("pump@0").status().message().find("'pump@0'"), std::string::npos);
}

TEST(Names, ModelNameRules) {
  EXPECT_TRUE(ValidateModelName("pump-failure_2.1").ok());
  EXPECT_TRUE(ValidateModelName("0day").ok());
  EXPECT_FALSE(ValidateModelName("").ok());
  EXPECT_FALSE(ValidateModelName("-pump").ok());
  EXPECT_FALSE(ValidateModelName(".hidden").ok());
  EXPECT_FALSE(ValidateModelName("a/b").ok());
  EXPECT_FALSE(ValidateModelName("Pump").ok());
  EXPECT_FALSE(ValidateModelName(std::string(kMaxNameLength + 1, 'a')).ok());
  EXPECT_NE(ValidateModelName("a/b").message().find("'a/b'"), std::string::npos);
}

TEST(Names, AliasNameRules) {
  EXPECT_TRUE(ValidateAliasName("champion").ok());
  EXPECT_TRUE(ValidateAliasName("shadow_2-b").ok());
  EXPECT_FALSE(ValidateAliasName("2nd").ok());
  EXPECT_FALSE(ValidateAliasName("a.b").ok());
  EXPECT_FALSE(ValidateAliasName("latest").ok());
  EXPECT_FALSE(ValidateAliasName("").ok());
}

}  // namespace
}  // namespace edgeloop::registry
