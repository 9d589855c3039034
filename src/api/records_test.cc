#include "api/records.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "base/random.h"

namespace edgeloop::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Bit-for-bit equality, so a NaN equals a NaN and -0.0 differs from 0.0.
bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

std::string ErrorOf(const Status& s) {
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  return s.message();
}

TEST(RecordKind, NamesRoundTripInDropOrder) {
  EXPECT_EQ(RecordKindName(RecordKind::kFeatures), "features");
  EXPECT_EQ(RecordKindName(RecordKind::kScore), "score");
  EXPECT_EQ(RecordKindName(RecordKind::kHealth), "health");
  EXPECT_EQ(RecordKindName(RecordKind::kAlert), "alert");
  for (int i = 0; i < kNumRecordKinds; ++i) {
    RecordKind kind = RecordKind::kAlert;
    ASSERT_TRUE(ParseRecordKind(RecordKindName(static_cast<RecordKind>(i)), &kind));
    EXPECT_EQ(static_cast<int>(kind), i);
  }
  // Feature rows go first under a quota, alerts last.
  EXPECT_LT(static_cast<int>(RecordKind::kFeatures), static_cast<int>(RecordKind::kScore));
  EXPECT_LT(static_cast<int>(RecordKind::kHealth), static_cast<int>(RecordKind::kAlert));
  RecordKind untouched = RecordKind::kHealth;
  EXPECT_FALSE(ParseRecordKind("Score", &untouched));
  EXPECT_FALSE(ParseRecordKind("", &untouched));
  EXPECT_EQ(untouched, RecordKind::kHealth);
}

TEST(SensorHealth, NamesRoundTrip) {
  for (SensorHealth h : {SensorHealth::kOk, SensorHealth::kMissing, SensorHealth::kStuck,
                         SensorHealth::kOutOfRange}) {
    SensorHealth parsed = SensorHealth::kOk;
    ASSERT_TRUE(ParseSensorHealth(SensorHealthName(h), &parsed));
    EXPECT_EQ(parsed, h);
  }
  EXPECT_EQ(SensorHealthName(SensorHealth::kOutOfRange), "out_of_range");
  SensorHealth h = SensorHealth::kOk;
  EXPECT_FALSE(ParseSensorHealth("broken", &h));
}

TEST(FeatureRecord, RoundTripsWithNaNAsNull) {
  FeatureRecord r{"P001", 1'767'225'600'000, std::string(64, 'a'),
                  {4.25, kNaN, -0.1, 1e-300, 123456789.125, 0.0}};
  const std::string json = ToJson(r);
  EXPECT_THAT(json, HasSubstr("null"));
  EXPECT_THAT(json, Not(HasSubstr("NaN")));
  EXPECT_THAT(json, Not(HasSubstr(" ")));  // compact
  Result<FeatureRecord> back = ParseFeatureRecord(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->asset, r.asset);
  EXPECT_EQ(back->window_end_ms, r.window_end_ms);
  EXPECT_EQ(back->feature_spec_digest, r.feature_spec_digest);
  ASSERT_EQ(back->values.size(), r.values.size());
  EXPECT_TRUE(std::isnan(back->values[1]));
  for (size_t i = 0; i < r.values.size(); ++i) {
    if (i != 1) {
      EXPECT_TRUE(SameBits(back->values[i], r.values[i])) << i;
    }
  }
  EXPECT_EQ(ToJson(*back), json);
}

TEST(FeatureRecord, InfinitiesBecomeNullToo) {
  FeatureRecord r{"P1", 0, "d", {std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::infinity()}};
  Result<FeatureRecord> back = ParseFeatureRecord(ToJson(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(std::isnan(back->values[0]));
  EXPECT_TRUE(std::isnan(back->values[1]));
}

TEST(FeatureRecord, NumbersRoundTripExactly) {
  Random random(11);
  FeatureRecord r{"P1", 5, "d", {}};
  for (int i = 0; i < 500; ++i) r.values.push_back(random.Normal(0, 1e3) * std::pow(10.0, random.UniformInt(-30, 30)));
  Result<FeatureRecord> back = ParseFeatureRecord(ToJson(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->values.size(), r.values.size());
  for (size_t i = 0; i < r.values.size(); ++i) {
    ASSERT_TRUE(SameBits(back->values[i], r.values[i])) << i << ": " << r.values[i];
  }
}

TEST(ScoreRecord, RoundTrips) {
  ScoreRecord r{"P002", 1'767'229'200'000, 0.7310585786300049, 0.62, std::string(64, 'b'), 7};
  Result<ScoreRecord> back = ParseScoreRecord(ToJson(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->asset, r.asset);
  EXPECT_EQ(back->window_end_ms, r.window_end_ms);
  EXPECT_TRUE(SameBits(back->score, r.score));
  EXPECT_TRUE(SameBits(back->threshold, r.threshold));
  EXPECT_EQ(back->bundle_digest, r.bundle_digest);
  EXPECT_EQ(back->model_version, 7);
}

TEST(ScoreRecord, NaNScoreGoesOutAsNullAndComesBackAsNaN) {
  ScoreRecord r{"P002", 1, kNaN, 0.5, "d", 1};
  const std::string json = ToJson(r);
  EXPECT_THAT(json, HasSubstr("\"score\":null"));
  Result<ScoreRecord> back = ParseScoreRecord(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(std::isnan(back->score));
  EXPECT_EQ(back->threshold, 0.5);
}

TEST(AlertRecord, RoundTripsEveryState) {
  for (AlertState state : {AlertState::kRaised, AlertState::kResumed, AlertState::kCleared}) {
    AlertRecord r;
    r.asset = "P003";
    r.alert_id = "P003@1767225600000";
    r.state = state;
    r.time_ms = 1'767'232'800'000;
    r.score = 0.875;
    r.threshold = 0.62;
    r.top = {{"bearing_temp__max", 0.6}, {"bearing_temp__mean", kNaN}};
    r.bundle_digest = std::string(64, 'c');
    r.model_version = 12;
    const std::string json = ToJson(r);
    EXPECT_THAT(json, HasSubstr("\"state\":\"" + std::string(AlertStateName(state)) + "\""));
    Result<AlertRecord> back = ParseAlertRecord(json);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->asset, r.asset);
    EXPECT_EQ(back->alert_id, r.alert_id);
    EXPECT_EQ(back->state, state);
    EXPECT_EQ(back->time_ms, r.time_ms);
    EXPECT_EQ(back->score, r.score);
    EXPECT_EQ(back->threshold, r.threshold);
    ASSERT_EQ(back->top.size(), 2u);
    EXPECT_EQ(back->top[0].feature, "bearing_temp__max");
    EXPECT_EQ(back->top[0].value, 0.6);
    EXPECT_EQ(back->top[1].feature, "bearing_temp__mean");
    EXPECT_TRUE(std::isnan(back->top[1].value));
    EXPECT_EQ(back->bundle_digest, r.bundle_digest);
    EXPECT_EQ(back->model_version, 12);
  }
}

TEST(AlertRecord, EmptyTopRoundTrips) {
  AlertRecord r;
  r.asset = "P1";
  r.alert_id = "P1@0";
  Result<AlertRecord> back = ParseAlertRecord(ToJson(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->top.empty());
  EXPECT_EQ(back->state, AlertState::kRaised);
}

TEST(HealthRecord, RoundTripsEveryHealth) {
  for (SensorHealth h : {SensorHealth::kOk, SensorHealth::kMissing, SensorHealth::kStuck,
                         SensorHealth::kOutOfRange}) {
    HealthRecord r{"P004", "flow", h, 1'767'240'000'000, 0.8333333333333334};
    Result<HealthRecord> back = ParseHealthRecord(ToJson(r));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->asset, "P004");
    EXPECT_EQ(back->signal, "flow");
    EXPECT_EQ(back->health, h);
    EXPECT_EQ(back->time_ms, r.time_ms);
    EXPECT_TRUE(SameBits(back->value, r.value));
  }
  HealthRecord nan_value{"P4", "flow", SensorHealth::kMissing, 0, kNaN};
  Result<HealthRecord> back = ParseHealthRecord(ToJson(nan_value));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(std::isnan(back->value));
}

TEST(ParseRecords, MissingFieldIsNamed) {
  EXPECT_EQ(ErrorOf(ParseFeatureRecord(R"({"asset":"P1","window_end_ms":1,"values":[]})").status()),
            "feature record: feature_spec_digest: missing");
  EXPECT_EQ(ErrorOf(ParseScoreRecord(
                R"({"asset":"P1","window_end_ms":1,"score":0.5,"threshold":0.5,"bundle_digest":"d"})")
                        .status()),
            "score record: model_version: missing");
  EXPECT_EQ(ErrorOf(ParseHealthRecord(R"({"asset":"P1","signal":"flow","health":"ok","value":1})").status()),
            "health record: time_ms: missing");
  EXPECT_EQ(ErrorOf(ParseAlertRecord(R"({"alert_id":"x"})").status()), "alert record: asset: missing");
}

TEST(ParseRecords, WrongTypeIsNamed) {
  EXPECT_EQ(ErrorOf(ParseScoreRecord(R"({"asset":"P1","window_end_ms":"soon","score":0.5,)"
                                     R"("threshold":0.5,"bundle_digest":"d","model_version":1})")
                        .status()),
            "score record: window_end_ms: expected an integer");
  EXPECT_EQ(ErrorOf(ParseScoreRecord(R"({"asset":"P1","window_end_ms":1.5,"score":0.5,)"
                                     R"("threshold":0.5,"bundle_digest":"d","model_version":1})")
                        .status()),
            "score record: window_end_ms: expected an integer");
  EXPECT_EQ(ErrorOf(ParseScoreRecord(R"({"asset":"P1","window_end_ms":1,"score":"high",)"
                                     R"("threshold":0.5,"bundle_digest":"d","model_version":1})")
                        .status()),
            "score record: score: expected a number or null");
  EXPECT_EQ(ErrorOf(ParseFeatureRecord(
                R"({"asset":7,"window_end_ms":1,"feature_spec_digest":"d","values":[]})")
                        .status()),
            "feature record: asset: expected a string");
  EXPECT_EQ(ErrorOf(ParseFeatureRecord(
                R"({"asset":"P1","window_end_ms":1,"feature_spec_digest":"d","values":[1,null,"x"]})")
                        .status()),
            "feature record: values[2]: expected a number or null");
  EXPECT_EQ(ErrorOf(ParseFeatureRecord(
                R"({"asset":"P1","window_end_ms":1,"feature_spec_digest":"d","values":{}})")
                        .status()),
            "feature record: values: expected an array");
  EXPECT_EQ(ErrorOf(ParseAlertRecord(
                R"({"asset":"P1","alert_id":"a","state":"raised","time_ms":1,"score":1,"threshold":0.5,)"
                R"("top":[{"feature":"f","value":1},{"feature":"g","value":"big"}],"bundle_digest":"d",)"
                R"("model_version":1})")
                        .status()),
            "alert record: top[1].value: expected a number or null");
  EXPECT_EQ(ErrorOf(ParseAlertRecord(
                R"({"asset":"P1","alert_id":"a","state":"raised","time_ms":1,"score":1,"threshold":0.5,)"
                R"("top":[3],"bundle_digest":"d","model_version":1})")
                        .status()),
            "alert record: top[0]: expected an object");
  EXPECT_EQ(ErrorOf(ParseScoreRecord(R"({"asset":"P1","window_end_ms":18446744073709551615,"score":0.5,)"
                                     R"("threshold":0.5,"bundle_digest":"d","model_version":1})")
                        .status()),
            "score record: window_end_ms: integer out of range");
}

TEST(ParseRecords, BadEnumIsNamed) {
  const std::string alert =
      R"({"asset":"P1","alert_id":"a","state":"escalated","time_ms":1,"score":1,"threshold":0.5,)"
      R"("top":[],"bundle_digest":"d","model_version":1})";
  EXPECT_THAT(ErrorOf(ParseAlertRecord(alert).status()),
              HasSubstr("alert record: state: expected raised, resumed or cleared"));
  EXPECT_THAT(ErrorOf(ParseHealthRecord(
                  R"({"asset":"P1","signal":"flow","health":"flaky","time_ms":1,"value":1})")
                          .status()),
              HasSubstr("health record: health: expected ok, missing, stuck or out_of_range"));
}

TEST(ParseRecords, NotAnObjectIsRefused) {
  EXPECT_EQ(ErrorOf(ParseScoreRecord("{\"asset\":").status()), "score record: not valid JSON");
  EXPECT_EQ(ErrorOf(ParseHealthRecord("[1,2]").status()), "health record: expected a JSON object");
  EXPECT_EQ(ErrorOf(ParseAlertRecord("").status()), "alert record: not valid JSON");
}

}  // namespace
}  // namespace edgeloop::api
