// AgentConfig: an edge agent's YAML configuration (see README.md, "Configuration").
//
//   device: site7-gw1                 # the device id (required)
//   data_dir: /var/lib/edgeloop       # outbox, bundles; relative paths are relative to this file
//   trust: [keys/release.pub]         # public keys whose bundles may run (at least one)
//   listen: 127.0.0.1:9100            # local API (/healthz, /metrics, /v1/score), or "off"
//   outbox: {quota: 256MB, feature_rows: true}
//   probation: {windows: 20, max_error_rate: 0, max_p99_latency: 50ms}
//   live_lateness: 5s                 # live sources: close windows this long after their end
//   resume_warmup_windows: 8
//   server: {url: http://127.0.0.1:8080, token_file: device.token, sync_period_s: 60,
//            batch_records: 1000}        # optional; without it the agent runs offline
//   sources:
//     - {kind: csv_replay, readings: fleet/readings.csv, waveforms: fleet/waveforms.csv, speed: 60}
//     - {kind: csv_replay, cwru: {path: 97.csv, asset: P001, signal: vib_de_raw, rate_hz: 12000,
//                                 burst: 1s, period: 1m, start: 2026-01-01T00:00:00Z}}
//     - {kind: csv_replay, format: skab, asset: valve1-3, readings: skab/valve1/3.csv, speed: 0}
//     - {kind: modbus, host: 10.0.0.5, port: 502, unit_id: 1, period: 1s, map: plc-map.yaml}
//     - {kind: mqtt, host: 127.0.0.1, port: 1883, topics: [edgeloop/+/readings]}
//
// A modbus source lists its registers inline (`points:`) or in a map file (`map:`, a YAML list
// of {asset, signal, address, type, table, word_order, scale, offset}, as `edgeloop sim serve
// --map` writes). Unknown keys are errors. Parse returns InvalidArgument
// "<file>:<line>: <key>: <what was expected>" and reads no other file than the map files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "agent/edge_agent.h"
#include "base/file_system.h"
#include "base/status.h"
#include "io/csv_replay_source.h"
#include "io/modbus_source.h"
#include "io/mqtt_source.h"

namespace edgeloop::agent {

struct SourceConfig {
  int line = 0;
  std::variant<io::CsvReplayConfig, io::ModbusSourceConfig, io::MqttSourceConfig> config;
  // Modbus and MQTT readings carry the clock's time, so the clock also closes their windows; a
  // replay keeps its file's timestamps, and only its readings close windows.
  bool live() const;
  std::string_view kind() const;
};

// Where and how the agent syncs with the server (sync_client.h).
struct ServerConfig {
  int line = 0;
  std::string url;         // "http://host:port" or "https://host/prefix"
  std::string device_id;   // the id the server knows the device by; `device` when not given
  std::string token_file;  // the device's bearer token; relative to the config file
  int64_t sync_period_s = 60;  // until the server's desired state says otherwise
  int64_t batch_records = 1000;
};

struct AgentConfig {
  std::string path;  // the config file
  std::string device_id;
  std::string data_dir;
  std::vector<std::string> trust;  // public key files
  std::string listen_host = "127.0.0.1";
  int listen_port = 9100;  // 0: any free port; -1: off
  int64_t outbox_quota_bytes = 256LL << 20;
  std::string log_level = "info";
  EdgeAgentOptions options;
  std::vector<SourceConfig> sources;
  std::optional<ServerConfig> server;  // none: offline, as without a server at all

  static Result<AgentConfig> Parse(std::string_view yaml, const std::string& path, FileSystem& fs);
  static Result<AgentConfig> Load(const std::string& path, FileSystem& fs);
};

// "256MB", "64 KiB", "1000" (bytes).
Result<int64_t> ParseByteSize(std::string_view text);

}  // namespace edgeloop::agent
