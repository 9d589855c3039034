#include "api/sync.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/records.h"

namespace edgeloop::api {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::string kDigestA(64, 'a');
const std::string kDigestB = std::string(63, '0') + "f";

SyncRequest FullRequest() {
  SyncRequest r;
  r.device_id = "site7-gw1";
  r.desired_etag = "\"g42\"";
  r.reported.agent_version = "0.1.0+3f2a9c0d1e2b";
  r.reported.running_bundle = kDigestA;
  r.reported.previous_bundle = kDigestB;
  r.reported.model_version = 3;
  r.reported.in_probation = true;
  r.reported.health = "degraded";
  r.reported.outbox_depth = 1234;
  r.reported.outbox_dropped = 17;
  r.reported.device_time_ms = 1'767'225'600'123;
  r.reported.last_install = {kDigestA, InstallOutcome::kRolledBack,
                             "probation failed: 3 of 20 scores were not finite", 1'767'225'000'000};
  r.batch.after_seq = 100;
  r.batch.through_seq = 110;
  ScoreRecord score{"P001", 1'767'225'600'000, 0.875, 0.5, kDigestA, 3};
  FeatureRecord features{"P002",
                         1'767'225'600'000,
                         kDigestB,
                         {4.25, std::numeric_limits<double>::quiet_NaN(), -1e-300}};
  AlertRecord alert{"P001",
                    "P001@1767225600000",
                    AlertState::kRaised,
                    1'767'225'600'000,
                    0.9,
                    0.5,
                    {{"bearing_temp__mean", 0.25}},
                    kDigestA,
                    3};
  HealthRecord health{"P003", "flow", SensorHealth::kStuck, 1'767'225'600'000, 1};
  r.batch.records = {{101, RecordKind::kFeatures, 1'767'225'600'000, ToJson(features)},
                     {104, RecordKind::kScore, 1'767'225'600'000, ToJson(score)},
                     {105, RecordKind::kAlert, 1'767'225'600'000, ToJson(alert)},
                     {110, RecordKind::kHealth, 1'767'225'600'000, ToJson(health)}};
  return r;
}

std::string RequestError(const std::string& text) {
  Result<SyncRequest> r = ParseSyncRequest(text);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  return r.status().message();
}

std::string ResponseError(const std::string& text) {
  Result<SyncResponse> r = ParseSyncResponse(text);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  return r.status().message();
}

// The full request's JSON with `patch` merged in (null members removed), as text.
std::string PatchedRequest(const json& patch) {
  json doc = json::parse(ToJson(FullRequest()));
  doc.merge_patch(patch);
  return doc.dump();
}

TEST(InstallOutcome, NamesRoundTrip) {
  EXPECT_EQ(InstallOutcomeName(InstallOutcome::kRolledBack), "rolled_back");
  for (InstallOutcome o : {InstallOutcome::kNone, InstallOutcome::kInstalled,
                           InstallOutcome::kRejected, InstallOutcome::kRolledBack}) {
    InstallOutcome parsed = InstallOutcome::kNone;
    ASSERT_TRUE(ParseInstallOutcome(InstallOutcomeName(o), &parsed));
    EXPECT_EQ(parsed, o);
  }
  InstallOutcome untouched = InstallOutcome::kRejected;
  EXPECT_FALSE(ParseInstallOutcome("Installed", &untouched));
  EXPECT_EQ(untouched, InstallOutcome::kRejected);
}

TEST(SyncRequest, RoundTripsEveryFieldAndRecordBodiesByteForByte) {
  const SyncRequest in = FullRequest();
  const std::string text = ToJson(in);
  EXPECT_THAT(text, ::testing::Not(HasSubstr("\n")));
  Result<SyncRequest> out = ParseSyncRequest(text);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->device_id, in.device_id);
  EXPECT_EQ(out->desired_etag, in.desired_etag);
  EXPECT_EQ(ToJson(out->reported), ToJson(in.reported));
  EXPECT_EQ(out->reported.last_install.outcome, InstallOutcome::kRolledBack);
  EXPECT_EQ(out->reported.last_install.message, in.reported.last_install.message);
  EXPECT_EQ(out->reported.health, "degraded");
  EXPECT_EQ(out->reported.outbox_dropped, 17);
  EXPECT_EQ(out->batch.after_seq, 100);
  EXPECT_EQ(out->batch.through_seq, 110);
  ASSERT_EQ(out->batch.records.size(), in.batch.records.size());
  for (size_t i = 0; i < in.batch.records.size(); ++i) {
    EXPECT_EQ(out->batch.records[i].seq, in.batch.records[i].seq);
    EXPECT_EQ(out->batch.records[i].kind, in.batch.records[i].kind);
    EXPECT_EQ(out->batch.records[i].time_ms, in.batch.records[i].time_ms);
    // The server stores the body text it gets; it must be the text the device wrote.
    EXPECT_EQ(out->batch.records[i].body, in.batch.records[i].body) << i;
  }
  Result<FeatureRecord> features = ParseFeatureRecord(out->batch.records[0].body);
  ASSERT_TRUE(features.ok());
  EXPECT_TRUE(std::isnan(features->values[1]));
  EXPECT_EQ(ToJson(*out), text);
}

TEST(SyncRequest, BodiesTravelAsJsonObjects) {
  json doc = json::parse(ToJson(FullRequest()));
  const json& body = doc["batch"]["records"][1]["body"];
  ASSERT_TRUE(body.is_object());
  EXPECT_EQ(body["asset"], "P001");
  EXPECT_EQ(doc["batch"]["records"][1]["kind"], "score");
}

TEST(SyncRequest, MissingOptionalFieldsTakeTheirDefaults) {
  Result<SyncRequest> r =
      ParseSyncRequest(R"({"device_id":"gw","batch":{"after_seq":7,"through_seq":7}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->desired_etag, "");
  EXPECT_EQ(r->reported.health, "ok");
  EXPECT_EQ(r->reported.running_bundle, "");
  EXPECT_EQ(r->reported.last_install.outcome, InstallOutcome::kNone);
  EXPECT_EQ(r->batch.after_seq, 7);
  EXPECT_TRUE(r->batch.records.empty());

  Result<SyncRequest> empty_reported = ParseSyncRequest(
      R"({"device_id":"gw","reported":{},"batch":{"after_seq":0,"through_seq":0,"records":[]}})");
  ASSERT_TRUE(empty_reported.ok()) << empty_reported.status().ToString();
  EXPECT_EQ(empty_reported->reported.outbox_depth, 0);
}

TEST(SyncRequest, AcceptsRangesWithGapsAndEmptyRangesOfDroppedRecords) {
  // Every record in (0, 500] was dropped under the quota: the range alone says so.
  Result<SyncRequest> dropped =
      ParseSyncRequest(R"({"device_id":"gw","batch":{"after_seq":0,"through_seq":500}})");
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_EQ(dropped->batch.through_seq, 500);
  // Gaps between and after the records.
  Result<SyncRequest> gaps =
      ParseSyncRequest(PatchedRequest({{"batch", {{"after_seq", 0}, {"through_seq", 1000}}}}));
  ASSERT_TRUE(gaps.ok()) << gaps.status().ToString();
}

TEST(SyncRequest, ErrorsNameTheField) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"[1,2]", "sync request: expected a JSON object"},
      {"{\"device_id\":", "sync request: not valid JSON"},
      {PatchedRequest({{"devise_id", "x"}}), "sync request: devise_id: unknown field"},
      {PatchedRequest({{"device_id", nullptr}}), "sync request: device_id: missing"},
      {PatchedRequest({{"device_id", 7}}), "sync request: device_id: expected a string"},
      {PatchedRequest({{"device_id", ""}}), "sync request: device_id: expected a device id"},
      {PatchedRequest({{"device_id", std::string(2000, 'x')}}), "device_id: expected a device id"},
      {PatchedRequest({{"desired_etag", 5}}), "sync request: desired_etag: expected a string"},
      {PatchedRequest({{"batch", nullptr}}), "sync request: batch: missing"},
      {PatchedRequest({{"batch", "all"}}), "sync request: batch: expected an object"},
      {PatchedRequest({{"batch", {{"after", 1}}}}), "sync request: batch.after: unknown field"},
      {PatchedRequest({{"batch", {{"after_seq", 1.5}}}}),
       "sync request: batch.after_seq: expected an integer"},
      {PatchedRequest({{"batch", {{"through_seq", nullptr}}}}),
       "sync request: batch.through_seq: missing"},
      {PatchedRequest({{"batch", {{"after_seq", -1}, {"through_seq", 110}}}}),
       "sync request: batch.after_seq: expected an integer >= 0"},
      {PatchedRequest({{"batch", {{"through_seq", 99}}}}),
       "sync request: batch.through_seq: 99 is below after_seq 100"},
      {PatchedRequest({{"batch", {{"records", json::array({1})}}}}),
       "sync request: batch.records[0]: expected an object"},
      {PatchedRequest({{"batch", {{"records", 3}}}}),
       "sync request: batch.records: expected an array"},
      {PatchedRequest({{"reported", "fine"}}), "sync request: reported: expected an object"},
      {PatchedRequest({{"reported", {{"health", "bad"}}}}),
       "sync request: reported.health: expected ok or degraded"},
      {PatchedRequest({{"reported", {{"running_bundle", "abc"}}}}),
       "sync request: reported.running_bundle: expected a sha256 digest"},
      {PatchedRequest({{"reported", {{"previous_bundle", std::string(64, 'A')}}}}),
       "sync request: reported.previous_bundle: expected a sha256 digest"},
      {PatchedRequest({{"reported", {{"model_version", -2}}}}),
       "sync request: reported.model_version: expected an integer >= 0"},
      {PatchedRequest({{"reported", {{"outbox_depth", -1}}}}),
       "sync request: reported.outbox_depth: expected an integer >= 0"},
      {PatchedRequest({{"reported", {{"outbox_dropped", "3"}}}}),
       "sync request: reported.outbox_dropped: expected an integer"},
      {PatchedRequest({{"reported", {{"in_probation", 1}}}}),
       "sync request: reported.in_probation: expected true or false"},
      {PatchedRequest({{"reported", {{"uptime", 1}}}}),
       "sync request: reported.uptime: unknown field"},
      {PatchedRequest({{"reported", {{"last_install", 1}}}}),
       "sync request: reported.last_install: expected an object"},
      {PatchedRequest({{"reported", {{"last_install", {{"outcome", "done"}}}}}}),
       "sync request: reported.last_install.outcome: expected none, installed, rejected or "
       "rolled_back"},
      {PatchedRequest({{"reported", {{"last_install", {{"bundle_digest", ""}}}}}}),
       "sync request: reported.last_install.bundle_digest: missing for outcome rolled_back"},
      {PatchedRequest({{"reported", {{"last_install", {{"message", std::string(9000, 'm')}}}}}}),
       "sync request: reported.last_install.message: longer than 8192 characters"},
      {PatchedRequest({{"reported", {{"last_install", {{"why", "x"}}}}}}),
       "sync request: reported.last_install.why: unknown field"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(RequestError(c.text), HasSubstr(c.expected)) << c.text;
  }
}

TEST(SyncRequest, RecordErrorsNameTheRecord) {
  json doc = json::parse(ToJson(FullRequest()));
  auto error_with = [&](size_t index, const std::string& key, const json& value) {
    json copy = doc;
    if (value.is_null()) {
      copy["batch"]["records"][index].erase(key);
    } else {
      copy["batch"]["records"][index][key] = value;
    }
    return RequestError(copy.dump());
  };
  EXPECT_EQ(error_with(3, "seq", "110"), "sync request: batch.records[3].seq: expected an integer");
  EXPECT_EQ(error_with(1, "seq", nullptr), "sync request: batch.records[1].seq: missing");
  EXPECT_EQ(error_with(2, "kind", "warning"),
            "sync request: batch.records[2].kind: expected features, score, health or alert");
  EXPECT_EQ(error_with(0, "time_ms", 1.5),
            "sync request: batch.records[0].time_ms: expected an integer");
  EXPECT_EQ(error_with(0, "body", "{\"asset\":\"P001\"}"),
            "sync request: batch.records[0].body: expected an object");
  EXPECT_EQ(error_with(0, "extra", 1), "sync request: batch.records[0].extra: unknown field");
  // Sequence numbers: ascending, unique, inside (after_seq, through_seq].
  EXPECT_EQ(error_with(0, "seq", 100),
            "sync request: batch.records[0].seq: 100 is not above after_seq 100");
  EXPECT_EQ(error_with(2, "seq", 104),
            "sync request: batch.records[2].seq: 104 is not above the previous record's 104");
  EXPECT_EQ(error_with(2, "seq", 103),
            "sync request: batch.records[2].seq: 103 is not above the previous record's 104");
  EXPECT_EQ(error_with(3, "seq", 111),
            "sync request: batch.records[3].seq: 111 is above through_seq 110");
}

TEST(SyncRequest, ABodyThatIsNotAnObjectIsRejectedNamingTheRecord) {
  SyncRequest r = FullRequest();
  r.batch.records[2].body = "{\"asset\":";  // damaged
  EXPECT_EQ(RequestError(ToJson(r)), "sync request: batch.records[2].body: expected an object");
}

TEST(SyncRequest, LimitsTheRecordsOfOneBatch) {
  SyncRequest r;
  r.device_id = "gw";
  r.batch.after_seq = 0;
  for (size_t i = 1; i <= kMaxSyncRecords; ++i) {
    r.batch.records.push_back({static_cast<int64_t>(i), RecordKind::kScore, 0, "{}"});
  }
  r.batch.through_seq = static_cast<int64_t>(kMaxSyncRecords);
  Result<SyncRequest> at_limit = ParseSyncRequest(ToJson(r));
  ASSERT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  EXPECT_EQ(at_limit->batch.records.size(), kMaxSyncRecords);
  EXPECT_TRUE(ValidateBatch(r.batch).ok());

  r.batch.records.push_back(
      {static_cast<int64_t>(kMaxSyncRecords) + 1, RecordKind::kScore, 0, "{}"});
  r.batch.through_seq += 1;
  EXPECT_EQ(RequestError(ToJson(r)),
            "sync request: batch.records: 5001 records, at most 5000 per batch");
  Status s = ValidateBatch(r.batch);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "sync batch: records: 5001 records, at most 5000 per batch");
}

TEST(ValidateBatch, ChecksRangeOrderAndMembership) {
  SyncBatch ok{10, 20, {{11, RecordKind::kScore, 0, "{}"}, {15, RecordKind::kAlert, 0, "{}"}}};
  EXPECT_TRUE(ValidateBatch(ok).ok());
  EXPECT_TRUE(ValidateBatch(SyncBatch{5, 5, {}}).ok());
  EXPECT_TRUE(ValidateBatch(SyncBatch{5, 900, {}}).ok());

  EXPECT_EQ(ValidateBatch(SyncBatch{-1, 0, {}}).message(),
            "sync batch: after_seq: expected an integer >= 0");
  EXPECT_EQ(ValidateBatch(SyncBatch{9, 8, {}}).message(),
            "sync batch: through_seq: 8 is below after_seq 9");
  SyncBatch below = ok;
  below.records[0].seq = 10;
  EXPECT_EQ(ValidateBatch(below).message(),
            "sync batch: records[0].seq: 10 is not above after_seq 10");
  SyncBatch duplicate = ok;
  duplicate.records[1].seq = 11;
  EXPECT_EQ(ValidateBatch(duplicate).message(),
            "sync batch: records[1].seq: 11 is not above the previous record's 11");
  SyncBatch beyond = ok;
  beyond.records[1].seq = 21;
  EXPECT_EQ(ValidateBatch(beyond).message(),
            "sync batch: records[1].seq: 21 is above through_seq 20");
}

TEST(SyncResponse, RoundTripsWithDesiredState) {
  SyncResponse in;
  in.acked_through = 4321;
  in.desired_etag = "\"d-17\"";
  in.has_desired = true;
  in.desired = {kDigestA, "/api/v1/bundles/" + kDigestA + "/download", true, 300, 0.62, 3, 5};
  const std::string text = ToJson(in);
  Result<SyncResponse> out = ParseSyncResponse(text);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->acked_through, 4321);
  EXPECT_EQ(out->desired_etag, in.desired_etag);
  ASSERT_TRUE(out->has_desired);
  EXPECT_EQ(out->desired.bundle_digest, kDigestA);
  EXPECT_EQ(out->desired.bundle_url, in.desired.bundle_url);
  EXPECT_TRUE(out->desired.allow_older);
  EXPECT_EQ(out->desired.sync_period_s, 300);
  EXPECT_EQ(out->desired.threshold, 0.62);
  EXPECT_EQ(out->desired.k, 3);
  EXPECT_EQ(out->desired.n, 5);
  EXPECT_EQ(ToJson(*out), text);
}

TEST(SyncResponse, OmitsDesiredWhenTheEtagMatched) {
  SyncResponse in;
  in.acked_through = 9;
  in.desired_etag = "e1";
  in.has_desired = false;
  in.desired.bundle_digest = kDigestA;  // not sent
  const std::string text = ToJson(in);
  EXPECT_THAT(text, ::testing::Not(HasSubstr("desired\":")));
  Result<SyncResponse> out = ParseSyncResponse(text);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_FALSE(out->has_desired);
  EXPECT_EQ(out->desired.bundle_digest, "");
  EXPECT_EQ(out->acked_through, 9);
}

TEST(SyncResponse, ErrorsNameTheField) {
  EXPECT_EQ(ResponseError("{}"), "sync response: acked_through: missing");
  EXPECT_EQ(ResponseError(R"({"acked_through":-3})"),
            "sync response: acked_through: expected an integer >= 0");
  EXPECT_EQ(ResponseError(R"({"acked_through":3,"acked":4})"),
            "sync response: acked: unknown field");
  EXPECT_EQ(ResponseError(R"({"acked_through":3,"desired":[]})"),
            "sync response: desired: expected an object");
  EXPECT_EQ(ResponseError(R"({"acked_through":3,"desired":{"sync_period_s":0}})"),
            "sync response: desired.sync_period_s: expected 1..604800 seconds");
  EXPECT_EQ(
      ResponseError(R"({"acked_through":3,"desired":{"bundle_digest":")" + kDigestA + R"("}})"),
      "sync response: desired.bundle_url: missing: a desired bundle needs the path to download it "
      "from");
  EXPECT_EQ(ResponseError("not json"), "sync response: not valid JSON");
}

TEST(DesiredState, RoundTripsAndDefaults) {
  Result<DesiredState> defaults = ParseDesiredState("{}");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->bundle_digest, "");
  EXPECT_FALSE(defaults->allow_older);
  EXPECT_EQ(defaults->sync_period_s, 60);
  EXPECT_EQ(defaults->threshold, -1);
  EXPECT_EQ(defaults->k, -1);
  EXPECT_EQ(defaults->n, -1);
  EXPECT_EQ(ToJson(*defaults), ToJson(DesiredState{}));

  DesiredState in{kDigestB, "/api/v1/bundles/x/download", false, 15, 0.5, 2, 2};
  Result<DesiredState> out = ParseDesiredState(ToJson(in));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(ToJson(*out), ToJson(in));
}

TEST(DesiredState, ErrorsNameTheField) {
  auto error = [](const std::string& text) {
    Result<DesiredState> r = ParseDesiredState(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_EQ(error(R"({"bundle_url":"api/v1/x"})"),
            "desired state: bundle_url: expected a path on the server starting with '/'");
  EXPECT_EQ(
      error(R"({"bundle_digest":"xyz","bundle_url":"/b"})"),
      "desired state: bundle_digest: expected a sha256 digest (64 lowercase hex digits) or \"\"");
  EXPECT_EQ(error(R"({"sync_period_s":604801})"),
            "desired state: sync_period_s: expected 1..604800 seconds");
  EXPECT_EQ(error(R"({"sync_period_s":"60"})"),
            "desired state: sync_period_s: expected an integer");
  EXPECT_EQ(error(R"({"threshold":null})"), "desired state: threshold: expected a finite number");
  EXPECT_EQ(error(R"({"threshold":"high"})"),
            "desired state: threshold: expected a number or null");
  EXPECT_EQ(error(R"({"k":0})"),
            "desired state: k: expected 1..100000, or -1 to keep the bundle's own");
  EXPECT_EQ(error(R"({"n":-5})"),
            "desired state: n: expected 1..100000, or -1 to keep the bundle's own");
  EXPECT_EQ(error(R"({"k":4,"n":3})"), "desired state: k: expected k <= n");
  EXPECT_EQ(error(R"({"allow_older":"yes"})"),
            "desired state: allow_older: expected true or false");
  EXPECT_EQ(error(R"({"rollback":true})"), "desired state: rollback: unknown field");
  EXPECT_EQ(error("[]"), "desired state: expected a JSON object");
}

TEST(ReportedState, RoundTripsAndDefaults) {
  const ReportedState in = FullRequest().reported;
  Result<ReportedState> out = ParseReportedState(ToJson(in));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(ToJson(*out), ToJson(in));
  EXPECT_EQ(out->device_time_ms, in.device_time_ms);
  EXPECT_TRUE(out->in_probation);

  Result<ReportedState> defaults = ParseReportedState("{}");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(ToJson(*defaults), ToJson(ReportedState{}));

  Result<ReportedState> bad = ParseReportedState(R"({"health":"sick"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "reported state: health: expected ok or degraded");
}

}  // namespace
}  // namespace edgeloop::api
