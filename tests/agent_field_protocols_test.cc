// Field protocols end to end, in real time: one edgeloop-agent polls a real Modbus TCP server
// (io::ModbusServer, the PLC stand-in) holding float32 registers, another subscribes to a real
// mosquitto broker that io::MqttPublisher feeds with row messages. Both run a small bundle built
// in code (4 s windows, 2 s hop, 1 s period) and must count rows and write scores within a
// bounded wait of a few seconds.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <set>

#include "agent_runner.h"
#include "base/file_system.h"
#include "base/strings.h"
#include "bundle/bundle_builder.h"
#include "bundle/key_file.h"
#include "bundle/testing/test_bundle.h"
#include "cli_fleet.h"
#include "io/modbus_server.h"
#include "io/mqtt_publisher.h"
#include "io/reading_message.h"
#include "io/testing/mosquitto_broker.h"

namespace edgeloop::cli_test {
namespace {

constexpr int64_t kStartMs = 20'000;
constexpr int64_t kScoresMs = 30'000;  // first windows close after about 4 s + hop + lateness
const std::vector<std::string> kAssets = {"P001", "P002"};

constexpr char kFastSpec[] =
    "window: {length: 4s, hop: 2s}\n"
    "period: 1s\n"
    "signals:\n"
    "  - name: bearing_temp\n"
    "    functions: [mean, max]\n";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The value of an unlabelled Prometheus sample; -1 when it is not there.
int64_t Metric(int port, const std::string& name) {
  const HttpResult m = HttpGet(port, "/metrics");
  for (const std::string& line : SplitLines(m.body)) {
    if (!StartsWith(line, name + " ")) continue;
    Result<int64_t> value = ParseInt(line.substr(name.size() + 1));
    return value.ok() ? *value : -1;
  }
  return -1;
}

size_t ScoreRecords(const std::string& outbox) {
  if (OutboxLastSeq(outbox) == 0) return 0;
  size_t scores = 0;
  for (const OutboxRow& row : ReadOutbox(outbox)) scores += row.kind == kScoreKind ? 1 : 0;
  return scores;
}

class AgentFieldProtocols : public ::testing::Test {
 protected:
  void SetUp() override {
    // The bundle: the hand-built two-feature tree ensemble over bearing_temp mean and max.
    bundle::BundleInputs inputs = bundle::testing::TestInputs();
    Result<features::FeatureSpec> spec = features::FeatureSpec::Parse(kFastSpec, "fast-spec.yaml");
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    inputs.feature_spec = *spec;
    inputs.feature_names = spec->Columns();
    const bundle::SigningKey key = bundle::testing::TestKey(41);
    Result<std::string> bytes = bundle::BuildBundle(inputs, key);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    ASSERT_TRUE(WriteText(dir_.Sub("fast.elb"), *bytes));
    PosixFileSystem fs;
    ASSERT_TRUE(fs.CreateDirs(dir_.Sub("keys")).ok());
    ASSERT_TRUE(bundle::SavePublicKey(fs, key.public_key(), dir_.Sub("keys/field.pub")).ok());
  }

  // Writes <name>.yaml for a live agent with `source` and installs the bundle into it.
  void Prepare(const std::string& name, const std::string& source) {
    ASSERT_TRUE(WriteText(dir_.Sub(name + ".yaml"), "device: " + name +
                                                        "-gw\n"
                                                        "data_dir: " +
                                                        name +
                                                        "-data\n"
                                                        "trust: [keys/field.pub]\n"
                                                        "listen: 127.0.0.1:0\n"
                                                        "live_lateness: 1s\n"
                                                        "sources:\n" +
                                                        source));
    const CommandResult install =
        RunAgent({"install", "--config", name + ".yaml", "fast.elb"}, dir_.path());
    ASSERT_EQ(install.exit_code, 0) << install.Describe();
  }

  TempDir dir_{"agent-field"};
};

TEST_F(AgentFieldProtocols, ModbusAndMqttAgentsScoreLiveReadings) {
  Result<std::unique_ptr<io::ModbusServer>> plc = io::ModbusServer::Start(0);
  ASSERT_TRUE(plc.ok()) << plc.status().ToString();
  Result<std::unique_ptr<io::testing::MosquittoBroker>> broker =
      io::testing::MosquittoBroker::Start();
  if (!broker.ok() && broker.status().code() == StatusCode::kNotFound) {
    GTEST_SKIP() << "mosquitto is not installed (" << io::testing::kMosquittoBinary << ")";
  }
  ASSERT_TRUE(broker.ok()) << broker.status().ToString();
  io::MqttPublisherConfig publisher_config;
  publisher_config.port = (*broker)->port();
  Result<std::unique_ptr<io::MqttPublisher>> publisher =
      io::MqttPublisher::Connect(publisher_config);
  ASSERT_TRUE(publisher.ok()) << publisher.status().ToString();

  // Two pumps' bearing temperatures as float32 holding registers 0-1 and 2-3, hot from the start
  // (a register the agent reads before it is set would read 0).
  std::string points;
  for (size_t a = 0; a < kAssets.size(); ++a) {
    (*plc)->SetFloat32(io::ModbusTable::kHolding, static_cast<int>(2 * a), 85.0f);
    points += "      - {asset: " + kAssets[a] +
              ", signal: bearing_temp, address: " + std::to_string(2 * a) + ", type: float32}\n";
  }
  Prepare("modbus",
          "  - kind: modbus\n"
          "    host: 127.0.0.1\n"
          "    port: " +
              std::to_string((*plc)->port()) +
              "\n"
              "    period: 1s\n"
              "    points:\n" +
              points);
  Prepare("mqtt", "  - {kind: mqtt, host: 127.0.0.1, port: " + std::to_string((*broker)->port()) +
                      ", topics: [edgeloop/+/readings], qos: 1}\n");
  ASSERT_FALSE(HasFatalFailure());

  std::unique_ptr<AgentProcess> modbus =
      AgentProcess::Start({"run", "--config", "modbus.yaml"}, dir_.path());
  std::unique_ptr<AgentProcess> mqtt =
      AgentProcess::Start({"run", "--config", "mqtt.yaml"}, dir_.path());
  ASSERT_TRUE(modbus && mqtt);
  const int modbus_port = modbus->WaitForApiPort(kStartMs);
  const int mqtt_port = mqtt->WaitForApiPort(kStartMs);
  ASSERT_GT(modbus_port, 0) << modbus->Describe();
  ASSERT_GT(mqtt_port, 0) << mqtt->Describe();

  // Once a second: new register values and one MQTT row per pump (hot enough to score over the
  // threshold). Done when both agents counted rows and wrote scores for both pumps.
  int64_t last_second = 0;
  int64_t tick = 0;
  int64_t last_check_ms = 0;
  bool modbus_done = false, mqtt_done = false;
  const bool done = WaitUntil(
      [&] {
        const int64_t now = NowMs();
        if (now / 1000 != last_second) {
          last_second = now / 1000;
          ++tick;
          for (size_t a = 0; a < kAssets.size(); ++a) {
            const float value = static_cast<float>(85 + a + (tick % 3));
            (*plc)->SetFloat32(io::ModbusTable::kHolding, static_cast<int>(2 * a), value);
            io::SourceRow row{kAssets[a], last_second * 1000, {"bearing_temp"}, {value}};
            Status sent =
                (*publisher)
                    ->Publish("edgeloop/" + kAssets[a] + "/readings", io::EncodeRowMessage(row), 1);
            EXPECT_TRUE(sent.ok()) << sent.ToString();
          }
        }
        if (now - last_check_ms < 250) return false;
        last_check_ms = now;
        modbus_done = modbus_done || (Metric(modbus_port, "edgeloop_agent_rows_total") >= 4 &&
                                      Metric(modbus_port, "edgeloop_agent_scores_total") >= 2 &&
                                      ScoreRecords(dir_.Sub("modbus-data/outbox.db")) >= 2);
        mqtt_done = mqtt_done || (Metric(mqtt_port, "edgeloop_agent_rows_total") >= 4 &&
                                  Metric(mqtt_port, "edgeloop_agent_scores_total") >= 2 &&
                                  ScoreRecords(dir_.Sub("mqtt-data/outbox.db")) >= 2);
        return modbus_done && mqtt_done;
      },
      kScoresMs);
  EXPECT_TRUE(done) << "modbus agent " << (modbus_done ? "scored" : "did not score") << "\n"
                    << modbus->Describe() << "\nmqtt agent "
                    << (mqtt_done ? "scored" : "did not score") << "\n"
                    << mqtt->Describe();
  EXPECT_GT((*plc)->requests_served(), 0u);
  EXPECT_EQ(Metric(modbus_port, "edgeloop_agent_source_errors_total"), 0);
  EXPECT_EQ(Metric(mqtt_port, "edgeloop_agent_rows_rejected_total"), 0);

  // The readings arrived intact: a full window of hot bearings reaches the hand-built model's
  // top leaf, over the threshold.
  for (const std::string& name : {std::string("modbus"), std::string("mqtt")}) {
    std::set<std::string> scored_assets;
    size_t over = 0;
    std::string records;  // for the failure message
    for (const OutboxRow& row : ReadOutbox(dir_.Sub(name + "-data/outbox.db"))) {
      if (records.size() < 2000) records += row.body + "\n";
      if (row.kind != kScoreKind) continue;
      scored_assets.insert(row.asset);
      const nlohmann::json body = nlohmann::json::parse(row.body);
      over += body["score"].get<double>() >= body["threshold"].get<double>() ? 1 : 0;
    }
    EXPECT_FALSE(scored_assets.empty()) << name;
    EXPECT_GT(over, 0u) << name << " scored no window over the threshold:\n" << records;
  }

  modbus->Signal(SIGTERM);
  mqtt->Signal(SIGTERM);
  EXPECT_EQ(modbus->WaitExit(kStartMs), 0) << modbus->Describe();
  EXPECT_EQ(mqtt->WaitExit(kStartMs), 0) << mqtt->Describe();
}

}  // namespace
}  // namespace edgeloop::cli_test
