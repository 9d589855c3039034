#include "agent/agent_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "agent/testing/agent_testing.h"
#include "base/file_system.h"

namespace edgeloop::agent {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::TempDir;

constexpr char kFullConfig[] =
    "device: site7-gw1\n"                                                        // 1
    "data_dir: state\n"                                                          // 2
    "trust: [keys/release.pub, /etc/edgeloop/ops.pub]\n"                         // 3
    "listen: 0.0.0.0:9200\n"                                                     // 4
    "log_level: debug\n"                                                         // 5
    "outbox: {quota: 64MB, feature_rows: false}\n"                               // 6
    "probation: {windows: 5, max_error_rate: 0.1, max_p99_latency: 20ms}\n"      // 7
    "live_lateness: 10s\n"                                                       // 8
    "resume_warmup_windows: 3\n"                                                 // 9
    "top_contributions: 2\n"                                                     // 10
    "sources:\n"                                                                 // 11
    "  - {kind: csv_replay, readings: fleet/readings.csv, waveforms: /data/w.csv, speed: 0,\n"
    "     max_rows_per_poll: 500}\n"                                             // 12-13
    "  - {kind: csv_replay, cwru: {path: 97.csv, asset: P001, signal: vib_fan_raw, rate_hz: 48000,\n"
    "                              burst: 2s, period: 5m, start: 2026-01-01T00:00:00Z}}\n"
    "  - kind: modbus\n"                                                         // 16
    "    host: 10.0.0.5\n"
    "    port: 1502\n"
    "    unit_id: 3\n"
    "    period: 2s\n"
    "    timeout: 300ms\n"
    "    points:\n"
    "      - {asset: P001, signal: flow, address: 0, type: float32, word_order: little,\n"
    "         scale: 0.1, offset: 2}\n"
    "      - {asset: P001, signal: temp, address: 2, table: input}\n"
    "  - {kind: mqtt, host: broker.local, port: 8883, topics: [edgeloop/+/readings], qos: 0,\n"
    "     keepalive: 60s, max_queue: 5000}\n";

class AgentConfigTest : public ::testing::Test {
 protected:
  std::string ConfigPath() const { return dir_.File("agent.yaml"); }

  Result<AgentConfig> Parse(const std::string& yaml) { return AgentConfig::Parse(yaml, ConfigPath(), fs_); }

  // The error message of a config that must not parse.
  std::string Error(const std::string& yaml) {
    Result<AgentConfig> c = Parse(yaml);
    EXPECT_FALSE(c.ok()) << yaml;
    if (c.ok()) return "";
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << c.status().ToString();
    return c.status().message();
  }

  TempDir dir_;
  PosixFileSystem fs_;
};

// A minimal valid config plus `extra` lines.
std::string Minimal(const std::string& extra = "") {
  return "device: gw1\n"
         "data_dir: /var/lib/edgeloop\n"
         "trust: release.pub\n" +
         extra +
         "sources:\n"
         "  - {kind: csv_replay, readings: r.csv}\n";
}

TEST_F(AgentConfigTest, FullConfigParsesWithPathsResolvedAgainstTheConfigFolder) {
  Result<AgentConfig> c = Parse(kFullConfig);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const std::string base = dir_.path();
  EXPECT_EQ(c->path, ConfigPath());
  EXPECT_EQ(c->device_id, "site7-gw1");
  EXPECT_EQ(c->options.device_id, "site7-gw1");
  EXPECT_EQ(c->data_dir, base + "/state");
  EXPECT_EQ(c->trust, (std::vector<std::string>{base + "/keys/release.pub", "/etc/edgeloop/ops.pub"}));
  EXPECT_EQ(c->listen_host, "0.0.0.0");
  EXPECT_EQ(c->listen_port, 9200);
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_EQ(c->outbox_quota_bytes, 64LL << 20);
  EXPECT_FALSE(c->options.feature_rows);
  EXPECT_EQ(c->options.probation.windows, 5);
  EXPECT_EQ(c->options.probation.max_error_rate, 0.1);
  EXPECT_EQ(c->options.probation.max_p99_latency_us, 20'000);
  EXPECT_EQ(c->options.live_lateness_ms, 10'000);
  EXPECT_EQ(c->options.resume_warmup_windows, 3);
  EXPECT_EQ(c->options.top_contributions, 2);

  ASSERT_EQ(c->sources.size(), 4u);
  const SourceConfig& replay = c->sources[0];
  EXPECT_EQ(replay.kind(), "csv_replay");
  EXPECT_EQ(replay.line, 12);
  EXPECT_FALSE(replay.live());  // speed 0
  const auto& r = std::get<io::CsvReplayConfig>(replay.config);
  EXPECT_EQ(r.readings_path, base + "/fleet/readings.csv");
  EXPECT_EQ(r.waveforms_path, "/data/w.csv");
  EXPECT_EQ(r.speed, 0);
  EXPECT_EQ(r.max_rows_per_poll, 500u);

  const auto& cwru = std::get<io::CsvReplayConfig>(c->sources[1].config);
  ASSERT_TRUE(cwru.cwru.has_value());
  EXPECT_EQ(cwru.cwru->path, base + "/97.csv");
  EXPECT_EQ(cwru.cwru->asset, "P001");
  EXPECT_EQ(cwru.cwru->signal, "vib_fan_raw");
  EXPECT_EQ(cwru.cwru->rate_hz, 48000);
  EXPECT_EQ(cwru.cwru->burst_ms, 2000);
  EXPECT_EQ(cwru.cwru->period_ms, 300'000);
  EXPECT_EQ(cwru.cwru->start_ms, testing::kStartMs);
  EXPECT_EQ(cwru.speed, 1.0);
  EXPECT_FALSE(c->sources[1].live());  // a replay keeps its file times, even at real speed

  const SourceConfig& modbus = c->sources[2];
  EXPECT_EQ(modbus.kind(), "modbus");
  EXPECT_EQ(modbus.line, 16);
  EXPECT_TRUE(modbus.live());
  const auto& m = std::get<io::ModbusSourceConfig>(modbus.config);
  EXPECT_EQ(m.host, "10.0.0.5");
  EXPECT_EQ(m.port, 1502);
  EXPECT_EQ(m.unit_id, 3);
  EXPECT_EQ(m.period_ms, 2000);
  EXPECT_EQ(m.timeout_ms, 300);
  ASSERT_EQ(m.points.size(), 2u);
  EXPECT_EQ(m.points[0].signal, "flow");
  EXPECT_EQ(m.points[0].type, io::ModbusType::kFloat32);
  EXPECT_EQ(m.points[0].word_order, io::WordOrder::kLittle);
  EXPECT_EQ(m.points[0].scale, 0.1);
  EXPECT_EQ(m.points[0].offset, 2);
  EXPECT_EQ(m.points[1].address, 2);
  EXPECT_EQ(m.points[1].table, io::ModbusTable::kInput);

  const auto& q = std::get<io::MqttSourceConfig>(c->sources[3].config);
  EXPECT_EQ(c->sources[3].kind(), "mqtt");
  EXPECT_EQ(q.host, "broker.local");
  EXPECT_EQ(q.port, 8883);
  EXPECT_EQ(q.client_id, "edgeloop-agent-site7-gw1");
  EXPECT_EQ(q.topics, std::vector<std::string>{"edgeloop/+/readings"});
  EXPECT_EQ(q.qos, 0);
  EXPECT_EQ(q.keepalive_s, 60);
  EXPECT_EQ(q.max_queue, 5000u);
}

TEST_F(AgentConfigTest, DefaultsOfAMinimalConfig) {
  Result<AgentConfig> c = Parse(Minimal());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->data_dir, "/var/lib/edgeloop");
  EXPECT_EQ(c->trust, std::vector<std::string>{dir_.path() + "/release.pub"});
  EXPECT_EQ(c->listen_host, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 9100);
  EXPECT_EQ(c->outbox_quota_bytes, 256LL << 20);
  EXPECT_TRUE(c->options.feature_rows);
  EXPECT_EQ(c->options.probation.windows, ProbationPolicy{}.windows);
  ASSERT_EQ(c->sources.size(), 1u);
  EXPECT_FALSE(c->sources[0].live());  // a replay: its readings close its windows
}

TEST_F(AgentConfigTest, ListenOffAndAnyPort) {
  Result<AgentConfig> off = Parse(Minimal("listen: off\n"));
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_EQ(off->listen_port, -1);
  Result<AgentConfig> any = Parse(Minimal("listen: 127.0.0.1:0\n"));
  ASSERT_TRUE(any.ok()) << any.status().ToString();
  EXPECT_EQ(any->listen_port, 0);
}

TEST_F(AgentConfigTest, UnknownKeyNamesFileLineAndKey) {
  const std::string prefix = ConfigPath() + ":";
  EXPECT_THAT(Error(Minimal("sensors: 3\n")), StartsWith(prefix + "4: sensors: unknown key (expected one of"));
  EXPECT_THAT(Error(Minimal("outbox: {quota: 1MB, size: 3}\n")), StartsWith(prefix + "4: outbox.size: unknown key"));
  EXPECT_THAT(Error(Minimal("probation:\n  windows: 3\n  max_latency: 5ms\n")),
              StartsWith(prefix + "6: probation.max_latency: unknown key"));
  EXPECT_THAT(Error("device: gw1\ndata_dir: d\ntrust: k.pub\nsources:\n"
                    "  - {kind: csv_replay, readings: r.csv, rate: 2}\n"),
              StartsWith(prefix + "5: sources[0].rate: unknown key"));
}

TEST_F(AgentConfigTest, BadDurationNamesFileLineAndKey) {
  EXPECT_THAT(Error(Minimal("live_lateness: soon\n")),
              StartsWith(ConfigPath() + ":4: live_lateness: expected a duration"));
  EXPECT_THAT(Error(Minimal("probation: {max_p99_latency: -5ms}\n")),
              StartsWith(ConfigPath() + ":4: probation.max_p99_latency: expected a duration"));
}

TEST_F(AgentConfigTest, MissingDeviceNamesFileLineAndKey) {
  EXPECT_THAT(Error("data_dir: d\ntrust: k.pub\nsources:\n  - {kind: csv_replay, readings: r.csv}\n"),
              StartsWith(ConfigPath() + ":1: device: missing"));
  EXPECT_THAT(Error("device: gw1\ntrust: k.pub\nsources:\n  - {kind: csv_replay, readings: r.csv}\n"),
              StartsWith(ConfigPath() + ":1: data_dir: missing"));
  EXPECT_THAT(Error("device: ''\ndata_dir: d\ntrust: k.pub\nsources:\n  - {kind: csv_replay, readings: r.csv}\n"),
              StartsWith(ConfigPath() + ":1: device: expected a non-empty string"));
  EXPECT_THAT(Error("device: gw1\ndata_dir: d\ntrust: k.pub\n"), HasSubstr("sources"));
}

TEST_F(AgentConfigTest, BadListenNamesFileLineAndKey) {
  for (const char* bad : {"localhost", ":9100", "127.0.0.1:70000", "127.0.0.1:port", "127.0.0.1:-1"}) {
    EXPECT_THAT(Error(Minimal(std::string("listen: '") + bad + "'\n")),
                StartsWith(ConfigPath() + ":4: listen: expected HOST:PORT"))
        << bad;
  }
}

TEST_F(AgentConfigTest, ModbusWithoutPointsIsAnError) {
  const std::string yaml =
      "device: gw1\ndata_dir: d\ntrust: k.pub\nsources:\n"
      "  - {kind: csv_replay, readings: r.csv}\n"
      "  - {kind: modbus, host: 10.0.0.5}\n";
  EXPECT_THAT(Error(yaml), StartsWith(ConfigPath() + ":6: sources[1]: expected points or map"));
  EXPECT_THAT(Error("device: gw1\ndata_dir: d\ntrust: k.pub\nsources:\n"
                    "  - {kind: modbus, points: []}\n"),
              StartsWith(ConfigPath() + ":5: sources[0].points: expected a list of registers"));
  EXPECT_THAT(Error("device: gw1\ndata_dir: d\ntrust: k.pub\nsources:\n"
                    "  - {kind: modbus, points: [{asset: P1, signal: flow, address: 70000}]}\n"),
              StartsWith(ConfigPath() + ":5: sources[0].points[0].address: expected an integer in 0..65535"));
}

TEST_F(AgentConfigTest, UnknownSourceKindIsAnError) {
  EXPECT_THAT(Error("device: gw1\ndata_dir: d\ntrust: k.pub\nsources:\n  - {kind: opcua, host: x}\n"),
              StartsWith(ConfigPath() + ":5: sources[0].kind: unknown source kind 'opcua'"));
  EXPECT_THAT(Error("device: gw1\ndata_dir: d\ntrust: k.pub\nsources:\n  - {host: x}\n"),
              StartsWith(ConfigPath() + ":5: sources[0]: expected a mapping with a kind"));
}

TEST_F(AgentConfigTest, OtherBadValuesNameTheirKey) {
  EXPECT_THAT(Error(Minimal("outbox: {quota: lots}\n")), StartsWith(ConfigPath() + ":4: outbox.quota: size 'lots'"));
  EXPECT_THAT(Error(Minimal("outbox: {feature_rows: maybe}\n")),
              StartsWith(ConfigPath() + ":4: outbox.feature_rows: expected true or false"));
  EXPECT_THAT(Error(Minimal("probation: {windows: 0}\n")),
              StartsWith(ConfigPath() + ":4: probation.windows: expected an integer in 1..1000000"));
  EXPECT_THAT(Error(Minimal("top_contributions: 2.5\n")),
              StartsWith(ConfigPath() + ":4: top_contributions: expected an integer"));
  EXPECT_THAT(Error("device: gw1\ndata_dir: d\ntrust: k.pub\nsources:\n  - {kind: csv_replay, speed: 2}\n"),
              StartsWith(ConfigPath() + ":5: sources[0]: expected readings, waveforms or cwru"));
  EXPECT_THAT(Error("device: gw1\ndata_dir: d\ntrust: k.pub\nsources:\n  - {kind: mqtt, host: b}\n"),
              StartsWith(ConfigPath() + ":5: sources[0]: expected topics"));
  EXPECT_THAT(Error("device: [gw1\n"), StartsWith(ConfigPath() + ":"));
  EXPECT_THAT(Error("- 1\n- 2\n"), HasSubstr("expected a mapping"));
}

TEST_F(AgentConfigTest, ModbusMapFileIsLoadedBesideTheConfig) {
  ASSERT_TRUE(fs_.WriteFileAtomic(dir_.File("plc-map.yaml"),
                                  "- {asset: P001, signal: flow, address: 10, type: uint16, scale: 0.01}\n"
                                  "- {asset: P002, signal: flow, address: 11, table: holding}\n")
                  .ok());
  const std::string yaml = "device: gw1\ndata_dir: d\ntrust: k.pub\nsources:\n"
                           "  - {kind: modbus, host: 10.0.0.9, map: plc-map.yaml}\n";
  Result<AgentConfig> c = Parse(yaml);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const auto& m = std::get<io::ModbusSourceConfig>(c->sources[0].config);
  ASSERT_EQ(m.points.size(), 2u);
  EXPECT_EQ(m.points[0].asset, "P001");
  EXPECT_EQ(m.points[0].address, 10);
  EXPECT_EQ(m.points[0].scale, 0.01);
  EXPECT_EQ(m.points[1].asset, "P002");

  // An error in the map names the map file and its line.
  ASSERT_TRUE(fs_.WriteFileAtomic(dir_.File("plc-map.yaml"),
                                  "- {asset: P001, signal: flow, address: 10}\n"
                                  "- {asset: P002, signal: flow, address: 10, kind: x}\n")
                  .ok());
  EXPECT_THAT(Error(yaml), StartsWith(dir_.File("plc-map.yaml") + ":2: registers[1].kind: unknown key"));
  // A map file that is not there is the file system's error.
  Result<AgentConfig> missing = Parse("device: gw1\ndata_dir: d\ntrust: k.pub\nsources:\n"
                                      "  - {kind: modbus, map: nope.yaml}\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("nope.yaml"));
}

TEST_F(AgentConfigTest, LoadReadsTheFile) {
  ASSERT_TRUE(fs_.WriteFileAtomic(ConfigPath(), Minimal()).ok());
  Result<AgentConfig> c = AgentConfig::Load(ConfigPath(), fs_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->device_id, "gw1");
  Result<AgentConfig> missing = AgentConfig::Load(dir_.File("none.yaml"), fs_);
  ASSERT_FALSE(missing.ok());
}

TEST(ParseByteSize, UnitsAndPlainBytes) {
  struct Case {
    const char* text;
    int64_t bytes;
  };
  for (const Case& c : {Case{"256MB", 256LL << 20}, Case{"64 KiB", 64 << 10}, Case{"1000", 1000},
                        Case{"2GB", 2LL << 30}, Case{"1.5kb", 1536}, Case{" 7 B ", 7}, Case{"3 mib", 3 << 20}}) {
    Result<int64_t> r = ParseByteSize(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.bytes) << c.text;
  }
}

TEST(ParseByteSize, RefusesWhatIsNotASize) {
  for (const char* bad : {"", "MB", "0", "-5MB", "12TB", "lots", "5 M B", "1.2.3MB"}) {
    Result<int64_t> r = ParseByteSize(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr(std::string("'") + bad + "'"));
  }
}

}  // namespace
}  // namespace edgeloop::agent
