#include "io/mqtt_source.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "io/mqtt_publisher.h"
#include "io/reading_message.h"
#include "io/testing/mosquitto_broker.h"

namespace edgeloop::io {
namespace {

using std::chrono::milliseconds;

class MqttSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<testing::MosquittoBroker>> broker = testing::MosquittoBroker::Start();
    if (broker.status().code() == StatusCode::kNotFound) {
      GTEST_SKIP() << broker.status().message();
    }
    ASSERT_TRUE(broker.ok()) << broker.status().ToString();
    broker_ = std::move(broker).value();
  }

  std::unique_ptr<MqttSource> Subscribe(std::vector<std::string> topics,
                                        const std::string& client_id = "agent-1") {
    MqttSourceConfig config;
    config.port = broker_->port();
    config.client_id = client_id;
    config.topics = std::move(topics);
    Result<std::unique_ptr<MqttSource>> source = MqttSource::Connect(config);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    if (!source.ok()) return nullptr;
    Status subscribed = (*source)->WaitUntilSubscribed(milliseconds(5000));
    EXPECT_TRUE(subscribed.ok()) << subscribed.ToString();
    return std::move(source).value();
  }

  std::unique_ptr<MqttPublisher> Publisher() {
    MqttPublisherConfig config;
    config.port = broker_->port();
    Result<std::unique_ptr<MqttPublisher>> publisher = MqttPublisher::Connect(config);
    EXPECT_TRUE(publisher.ok()) << publisher.status().ToString();
    return publisher.ok() ? std::move(publisher).value() : nullptr;
  }

  // Polls until `count` rows and bursts arrived, bounded by a generous number of polls that
  // each wait on the broker's delivery, never a fixed sleep.
  SourceBatch Collect(MqttSource& source, size_t count) {
    SourceBatch all;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (all.rows.size() + all.bursts.size() < count &&
           std::chrono::steady_clock::now() < deadline) {
      SourceBatch batch;
      EXPECT_TRUE(source.Poll(0, &batch).ok());
      for (SourceRow& row : batch.rows) all.rows.push_back(std::move(row));
      for (Waveform& burst : batch.bursts) all.bursts.push_back(std::move(burst));
      std::this_thread::yield();
    }
    return all;
  }

  std::unique_ptr<testing::MosquittoBroker> broker_;
};

SourceRow Row(const std::string& asset, int64_t time_ms, double flow) {
  return SourceRow{asset, time_ms, {"flow", "temp"}, {flow, std::nan("")}};
}

TEST_F(MqttSourceTest, ThousandQos1RowsArriveInOrderNoneLost) {
  std::unique_ptr<MqttSource> source = Subscribe({"edgeloop/+/readings"});
  std::unique_ptr<MqttPublisher> publisher = Publisher();
  ASSERT_TRUE(source && publisher);
  EXPECT_EQ(source->kind(), "mqtt");
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(publisher->Publish("edgeloop/P1/readings",
                                   EncodeRowMessage(Row("P1", 1000 * i, i)), 1).ok());
  }
  SourceBatch batch = Collect(*source, 1000);
  ASSERT_EQ(batch.rows.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(batch.rows[i].time_ms, 1000 * i);
    ASSERT_EQ(batch.rows[i].values[0], i);
    ASSERT_TRUE(std::isnan(batch.rows[i].values[1]));
  }
  EXPECT_EQ(source->received(), 1000u);
  EXPECT_EQ(source->malformed(), 0u);
  EXPECT_EQ(source->dropped(), 0u);
  EXPECT_TRUE(source->connected());
  EXPECT_EQ(source->NextDueMs(500), 600);
}

TEST_F(MqttSourceTest, DeliversABurst) {
  std::unique_ptr<MqttSource> source = Subscribe({"edgeloop/+/waveforms"});
  std::unique_ptr<MqttPublisher> publisher = Publisher();
  ASSERT_TRUE(source && publisher);
  Waveform burst{"P2", "vib_de_raw", 1767225600000, 12000, std::vector<float>(12000)};
  for (size_t i = 0; i < burst.samples.size(); ++i) {
    burst.samples[i] = std::sin(static_cast<float>(i) * 0.01f);
  }
  ASSERT_TRUE(publisher->Publish("edgeloop/P2/waveforms", EncodeBurstMessage(burst)).ok());
  SourceBatch batch = Collect(*source, 1);
  ASSERT_EQ(batch.bursts.size(), 1u);
  EXPECT_EQ(batch.bursts[0].asset, "P2");
  EXPECT_EQ(batch.bursts[0].rate_hz, 12000);
  EXPECT_EQ(batch.bursts[0].samples, burst.samples);
}

TEST_F(MqttSourceTest, MalformedPayloadIsCountedAndSkipped) {
  std::unique_ptr<MqttSource> source = Subscribe({"site/#"});
  std::unique_ptr<MqttPublisher> publisher = Publisher();
  ASSERT_TRUE(source && publisher);
  ASSERT_TRUE(publisher->Publish("site/a", R"({"asset":"P1","values":{}})").ok());
  ASSERT_TRUE(publisher->Publish("site/b", EncodeRowMessage(Row("P1", 5, 1))).ok());
  SourceBatch batch = Collect(*source, 1);
  ASSERT_EQ(batch.rows.size(), 1u);
  EXPECT_EQ(batch.rows[0].time_ms, 5);
  EXPECT_EQ(source->malformed(), 1u);
  EXPECT_NE(source->last_error().find("site/a"), std::string::npos) << source->last_error();
  EXPECT_NE(source->last_error().find("'time'"), std::string::npos) << source->last_error();
}

TEST_F(MqttSourceTest, WildcardFiltersSelectTopics) {
  std::unique_ptr<MqttSource> source = Subscribe({"edgeloop/+/readings", "plant/#"});
  std::unique_ptr<MqttPublisher> publisher = Publisher();
  ASSERT_TRUE(source && publisher);
  ASSERT_TRUE(publisher->Publish("edgeloop/P1/readings", EncodeRowMessage(Row("P1", 1, 1))).ok());
  ASSERT_TRUE(publisher->Publish("edgeloop/P1/other", EncodeRowMessage(Row("P1", 2, 2))).ok());
  ASSERT_TRUE(publisher->Publish("plant/a/b/c", EncodeRowMessage(Row("P3", 3, 3))).ok());
  ASSERT_TRUE(publisher->Publish("other/P1", EncodeRowMessage(Row("P4", 4, 4))).ok());
  // A marker sent last on a subscribed topic: once it arrived, everything before it has too.
  ASSERT_TRUE(publisher->Publish("plant/end", EncodeRowMessage(Row("END", 9, 9))).ok());
  SourceBatch batch = Collect(*source, 3);
  ASSERT_EQ(batch.rows.size(), 3u);
  EXPECT_EQ(batch.rows[0].asset, "P1");
  EXPECT_EQ(batch.rows[1].asset, "P3");
  EXPECT_EQ(batch.rows[2].asset, "END");
}

TEST_F(MqttSourceTest, PersistentSessionKeepsMessagesWhileAway) {
  {
    std::unique_ptr<MqttSource> first = Subscribe({"edgeloop/#"}, "agent-away");
    ASSERT_TRUE(first);
  }
  std::unique_ptr<MqttPublisher> publisher = Publisher();
  ASSERT_TRUE(publisher);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(publisher->Publish("edgeloop/P1/readings",
                                   EncodeRowMessage(Row("P1", i, i))).ok());
  }
  std::unique_ptr<MqttSource> back = Subscribe({"edgeloop/#"}, "agent-away");
  ASSERT_TRUE(back);
  SourceBatch batch = Collect(*back, 10);
  ASSERT_EQ(batch.rows.size(), 10u);
  EXPECT_EQ(batch.rows[9].time_ms, 9);
}

TEST_F(MqttSourceTest, UnreachableBrokerIsUnavailableAtPoll) {
  MqttSourceConfig config;
  config.port = broker_->port();
  config.client_id = "agent-lonely";
  config.topics = {"x"};
  broker_->Stop();
  Result<std::unique_ptr<MqttSource>> source = MqttSource::Connect(config);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  SourceBatch batch;
  Status polled = (*source)->Poll(0, &batch);
  EXPECT_EQ(polled.code(), StatusCode::kUnavailable);
  EXPECT_NE(polled.message().find("127.0.0.1:" + std::to_string(config.port)), std::string::npos);
}

TEST(MqttSource, RejectsBadConfig) {
  MqttSourceConfig config;
  config.topics = {"a/#"};
  EXPECT_EQ(MqttSource::Connect(config).status().code(), StatusCode::kInvalidArgument);
  config.client_id = "c";
  config.topics = {"a/#/b"};
  EXPECT_EQ(MqttSource::Connect(config).status().code(), StatusCode::kInvalidArgument);
  config.topics = {"a"};
  config.qos = 2;
  EXPECT_EQ(MqttSource::Connect(config).status().code(), StatusCode::kInvalidArgument);
}

TEST(MqttPublisher, UnreachableBrokerIsUnavailable) {
  MqttPublisherConfig config;
  config.port = 1;  // nothing listens on a privileged port here
  Result<std::unique_ptr<MqttPublisher>> publisher = MqttPublisher::Connect(config);
  ASSERT_FALSE(publisher.ok());
  EXPECT_EQ(publisher.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(publisher.status().message().find("127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace edgeloop::io
