#include "api/score_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace edgeloop::api {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

std::string ErrorOf(std::string_view text) {
  Result<ScoreRequest> r = ParseScoreRequest(text);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  return r.status().message();
}

TEST(ParseScoreRequest, ParsesRows) {
  Result<ScoreRequest> r = ParseScoreRequest(
      R"({"rows":[{"asset":"P001","features":{"a":4.2,"b":null}},{"features":{"a":-1}}],)"
      R"("explain":true,"top":3})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->explain);
  EXPECT_EQ(r->top, 3);
  EXPECT_FALSE(r->readings.has_value());
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].asset, "P001");
  ASSERT_EQ(r->rows[0].features.size(), 2u);
  EXPECT_EQ(r->rows[0].features.at("a"), 4.2);
  EXPECT_TRUE(std::isnan(r->rows[0].features.at("b")));
  EXPECT_EQ(r->rows[1].asset, "");
  EXPECT_EQ(r->rows[1].features.at("a"), -1);
}

TEST(ParseScoreRequest, DefaultsWithoutExplainAndTop) {
  Result<ScoreRequest> r = ParseScoreRequest(R"({"rows":[{"features":{}}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->explain);
  EXPECT_EQ(r->top, 5);
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_TRUE(r->rows[0].features.empty());
}

TEST(ParseScoreRequest, ParsesReadings) {
  Result<ScoreRequest> r = ParseScoreRequest(
      R"({"readings":{"asset":"P002","time_ms":[1000,2000,3000],)"
      R"("values":{"flow":[1.5,null,2.5],"temp":[40,41,42]}}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->readings.has_value());
  EXPECT_TRUE(r->rows.empty());
  const AssetReadings& readings = *r->readings;
  EXPECT_EQ(readings.asset, "P002");
  EXPECT_EQ(readings.time_ms, (std::vector<int64_t>{1000, 2000, 3000}));
  ASSERT_EQ(readings.signals.size(), 2u);
  const int flow = readings.SignalIndex("flow");
  const int temp = readings.SignalIndex("temp");
  ASSERT_GE(flow, 0);
  ASSERT_GE(temp, 0);
  EXPECT_EQ(readings.values[flow][0], 1.5);
  EXPECT_TRUE(std::isnan(readings.values[flow][1]));
  EXPECT_EQ(readings.values[temp][2], 42);
}

TEST(ParseScoreRequest, BothOrNeitherIsAnError) {
  EXPECT_THAT(ErrorOf(R"({"rows":[{"features":{}}],"readings":{"asset":"P1","time_ms":[],"values":{}}})"),
              HasSubstr("expected either \"rows\" or \"readings\""));
  EXPECT_THAT(ErrorOf(R"({"explain":true})"), HasSubstr("expected either \"rows\" or \"readings\""));
  EXPECT_THAT(ErrorOf("{}"), HasSubstr("score request"));
}

TEST(ParseScoreRequest, UnknownFieldIsRejectedWithItsPath) {
  EXPECT_EQ(ErrorOf(R"({"rows":[{"features":{}}],"limit":3})"), "score request: limit: unknown field");
  EXPECT_EQ(ErrorOf(R"({"rows":[{"features":{}},{"features":{},"colour":"red"}]})"),
            "score request: rows[1].colour: unknown field");
  EXPECT_EQ(ErrorOf(R"({"readings":{"asset":"P1","time_ms":[1],"values":{"a":[1]},"unit":"C"}})"),
            "score request: readings.unit: unknown field");
}

TEST(ParseScoreRequest, WrongTypesAreNamed) {
  EXPECT_EQ(ErrorOf(R"({"rows":[{"features":{"x":"hot"}}]})"),
            "score request: rows[0].features.x: expected a number or null");
  EXPECT_EQ(ErrorOf(R"({"rows":[{"features":[1,2]}]})"),
            "score request: rows[0].features: expected an object");
  EXPECT_EQ(ErrorOf(R"({"rows":[{"asset":"P1"}]})"), "score request: rows[0].features: missing");
  EXPECT_EQ(ErrorOf(R"({"rows":[3]})"), "score request: rows[0]: expected an object");
  EXPECT_EQ(ErrorOf(R"({"rows":{"features":{}}})"), "score request: rows: expected an array");
  EXPECT_EQ(ErrorOf(R"({"rows":[{"features":{}}],"explain":"yes"})"),
            "score request: explain: expected true or false");
  EXPECT_EQ(ErrorOf(R"({"readings":{"asset":"P1","time_ms":[1,"2"],"values":{}}})"),
            "score request: readings.time_ms[1]: expected an integer");
  EXPECT_EQ(ErrorOf(R"({"readings":{"asset":"P1","time_ms":[1,2],"values":{"a":[1,true]}}})"),
            "score request: readings.values.a[1]: expected a number or null");
  EXPECT_EQ(ErrorOf(R"({"readings":{"time_ms":[1],"values":{}}})"), "score request: readings.asset: missing");
  EXPECT_EQ(ErrorOf("not json"), "score request: not valid JSON");
  EXPECT_EQ(ErrorOf("[]"), "score request: expected a JSON object");
}

TEST(ParseScoreRequest, TimesMustIncrease) {
  EXPECT_EQ(ErrorOf(R"({"readings":{"asset":"P1","time_ms":[1,5,5],"values":{"a":[1,2,3]}}})"),
            "score request: readings.time_ms[2]: expected times in strictly increasing order");
  EXPECT_EQ(ErrorOf(R"({"readings":{"asset":"P1","time_ms":[10,5],"values":{"a":[1,2]}}})"),
            "score request: readings.time_ms[1]: expected times in strictly increasing order");
}

TEST(ParseScoreRequest, ColumnLengthMustMatchTimes) {
  EXPECT_EQ(ErrorOf(R"({"readings":{"asset":"P1","time_ms":[1,2,3],"values":{"flow":[1,2]}}})"),
            "score request: readings.values.flow: expected 3 values, one per time, got 2");
}

TEST(ParseScoreRequest, RowCountIsBounded) {
  auto rows = [](size_t n) {
    std::string text = R"({"rows":[)";
    for (size_t i = 0; i < n; ++i) text += (i ? "," : "") + std::string(R"({"features":{"a":1}})");
    return text + "]}";
  };
  Result<ScoreRequest> at_limit = ParseScoreRequest(rows(kMaxScoreRows));
  ASSERT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  EXPECT_EQ(at_limit->rows.size(), kMaxScoreRows);
  EXPECT_EQ(ErrorOf(rows(kMaxScoreRows + 1)), "score request: rows: at most 10000 rows per request");
  EXPECT_EQ(ErrorOf(rows(0)), "score request: rows: expected at least one row");
}

TEST(ParseScoreRequest, TopIsBounded) {
  const std::string base = R"({"rows":[{"features":{}}],"top":)";
  for (const char* bad : {"0", "-1", "1001"}) {
    EXPECT_EQ(ErrorOf(base + bad + "}"), "score request: top: expected 1..1000") << bad;
  }
  EXPECT_EQ(ErrorOf(base + "2.5}"), "score request: top: expected an integer");
  for (int good : {1, 1000}) {
    Result<ScoreRequest> r = ParseScoreRequest(base + std::to_string(good) + "}");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->top, good);
  }
}

TEST(ScoreResponseToJson, WritesBundleThresholdAndResults) {
  ScoreResponse r;
  r.bundle_name = "pump-failure";
  r.model_version = 4;
  r.bundle_digest = std::string(64, 'e');
  r.threshold = 0.62;
  r.results.push_back({"P001", 0, 0.75, true, {{"bearing_temp__max", 0.9}, {"bearing_temp__mean", -0.2}}});
  r.results.push_back({"", 0, std::numeric_limits<double>::quiet_NaN(), false, {}});
  const json doc = json::parse(ToJson(r));
  EXPECT_EQ(doc["bundle"]["name"], "pump-failure");
  EXPECT_EQ(doc["bundle"]["version"], 4);
  EXPECT_EQ(doc["bundle"]["digest"], std::string(64, 'e'));
  EXPECT_EQ(doc["threshold"].get<double>(), 0.62);
  ASSERT_EQ(doc["results"].size(), 2u);
  const json& first = doc["results"][0];
  EXPECT_EQ(first["asset"], "P001");
  EXPECT_EQ(first["score"].get<double>(), 0.75);
  EXPECT_EQ(first["over"], true);
  EXPECT_FALSE(first.contains("window_end_ms"));  // rows requests have no window
  ASSERT_EQ(first["contributions"].size(), 2u);
  EXPECT_EQ(first["contributions"][0]["feature"], "bearing_temp__max");
  EXPECT_EQ(first["contributions"][1]["value"].get<double>(), -0.2);
  const json& second = doc["results"][1];
  EXPECT_TRUE(second["score"].is_null());  // NaN
  EXPECT_EQ(second["over"], false);
  EXPECT_FALSE(second.contains("asset"));
  EXPECT_FALSE(second.contains("contributions"));
}

TEST(ScoreResponseToJson, ReadingsResultsCarryTheWindowEnd) {
  ScoreResponse r;
  r.bundle_name = "m";
  r.from_readings = true;
  r.results.push_back({"P9", 1'767'229'200'000, 0.1, false, {}});
  const json doc = json::parse(ToJson(r));
  ASSERT_EQ(doc["results"].size(), 1u);
  EXPECT_EQ(doc["results"][0]["window_end_ms"].get<int64_t>(), 1'767'229'200'000);
  EXPECT_EQ(doc["results"][0]["asset"], "P9");
}

}  // namespace
}  // namespace edgeloop::api
