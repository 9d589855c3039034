#include "rollout/tag_selector.h"

#include <gtest/gtest.h>

namespace edgeloop::rollout {
namespace {

using Labels = std::map<std::string, std::string>;

TagSelector MustParse(std::string_view text) {
  Result<TagSelector> selector = TagSelector::Parse(text);
  EXPECT_TRUE(selector.ok()) << text << ": " << selector.status().ToString();
  return selector.ok() ? *selector : TagSelector();
}

std::string ParseError(std::string_view text) {
  Result<TagSelector> selector = TagSelector::Parse(text);
  EXPECT_FALSE(selector.ok()) << text << " parsed";
  if (selector.ok()) return "";
  EXPECT_EQ(selector.status().code(), StatusCode::kInvalidArgument);
  return selector.status().message();
}

TEST(TagSelector, EmptySelectsEverything) {
  TagSelector selector = MustParse("  ");
  EXPECT_TRUE(selector.empty());
  EXPECT_TRUE(selector.Matches({}));
  EXPECT_TRUE(selector.Matches({{"ring", "test"}}));
}

TEST(TagSelector, EqualsTermsAreAnded) {
  TagSelector selector = MustParse("ring=test,site=north");
  EXPECT_TRUE(selector.Matches({{"ring", "test"}, {"site", "north"}, {"x", "y"}}));
  EXPECT_FALSE(selector.Matches({{"ring", "test"}, {"site", "south"}}));
  EXPECT_FALSE(selector.Matches({{"site", "north"}}));
}

TEST(TagSelector, NotEqualsMatchesMissingKey) {
  TagSelector selector = MustParse("ring!=production");
  EXPECT_TRUE(selector.Matches({}));
  EXPECT_TRUE(selector.Matches({{"ring", "canary"}}));
  EXPECT_FALSE(selector.Matches({{"ring", "production"}}));
}

TEST(TagSelector, BareKeyRequiresExistence) {
  TagSelector selector = MustParse("gpu");
  EXPECT_TRUE(selector.Matches({{"gpu", "none"}}));
  EXPECT_FALSE(selector.Matches({{"cpu", "arm"}}));
}

TEST(TagSelector, InListMatchesAnyValue) {
  TagSelector selector = MustParse("site in (north, south) , model=ESP-400");
  ASSERT_EQ(selector.requirements().size(), 2u);
  EXPECT_EQ(selector.requirements()[0].values, (std::vector<std::string>{"north", "south"}));
  EXPECT_TRUE(selector.Matches({{"site", "south"}, {"model", "ESP-400"}}));
  EXPECT_FALSE(selector.Matches({{"site", "east"}, {"model", "ESP-400"}}));
  EXPECT_FALSE(selector.Matches({{"model", "ESP-400"}}));
}

TEST(TagSelector, KeyNamedInIsAKey) {
  TagSelector selector = MustParse("in,index in (a)");
  ASSERT_EQ(selector.requirements().size(), 2u);
  EXPECT_EQ(selector.requirements()[0].op, TagRequirement::Op::kExists);
  EXPECT_EQ(selector.requirements()[1].key, "index");
  EXPECT_TRUE(selector.Matches({{"in", "1"}, {"index", "a"}}));
}

TEST(TagSelector, ToStringParsesBackToTheSameSelector) {
  TagSelector selector = MustParse(" ring = test , gpu,site in(north,south),zone!=z1 ");
  EXPECT_EQ(selector.ToString(), "ring=test,gpu,site in (north,south),zone!=z1");
  TagSelector again = MustParse(selector.ToString());
  EXPECT_EQ(again.requirements(), selector.requirements());
}

TEST(TagSelector, ErrorsNameThePosition) {
  EXPECT_EQ(ParseError("ring=,x"),
            "tag selector 'ring=,x': at character 6: expected a tag value after '='");
  EXPECT_EQ(ParseError("ring=test,,x"),
            "tag selector 'ring=test,,x': at character 11: expected a tag key");
  EXPECT_EQ(ParseError("ring=test,"),
            "tag selector 'ring=test,': at character 11: expected a tag key after ','");
  EXPECT_EQ(ParseError("site in (a,b"),
            "tag selector 'site in (a,b': at character 13: expected ',' or ')' to close the list");
  EXPECT_EQ(ParseError("site in a"),
            "tag selector 'site in a': at character 9: expected '(' after 'in'");
  EXPECT_EQ(ParseError("ring=a b"),
            "tag selector 'ring=a b': at character 8: expected ',' or the end of the selector");
}

TEST(TagSelector, ErrorsNameBadKeysAndCharacters) {
  EXPECT_NE(ParseError("Ring=test").find("at character 1: tag key 'Ring' must start with"),
            std::string::npos);
  EXPECT_NE(ParseError("ring==test").find("at character 6: expected a tag value after '='"),
            std::string::npos);
  EXPECT_NE(ParseError("ring;x").find("at character 5: expected '=', '!=', 'in'"),
            std::string::npos);
}

}  // namespace
}  // namespace edgeloop::rollout
