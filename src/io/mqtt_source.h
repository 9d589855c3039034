// MqttSource: a Source fed by an MQTT broker (libmosquitto), for sites whose gateway publishes
// readings as reading messages (reading_message.h).
//
// libmosquitto's network thread receives, decodes and queues rows and bursts; Poll hands the
// queue over. The session is persistent (clean session false, the configured QoS, usually 1), so
// what was published while the agent was briefly away is delivered when it reconnects; the
// library reconnects by itself. A malformed payload is counted and its error kept (malformed(),
// last_error()), never failing Poll. Beyond max_queue messages the OLDEST are dropped and counted.
//
// Connect returns InvalidArgument for a bad config (no client id, no topics, bad QoS); an
// unreachable broker is not an error at Connect (the network thread keeps trying) but Poll
// returns Unavailable naming host:port while disconnected with nothing queued.
// Thread-safety: Poll, NextDueMs and the accessors may be called from any one thread while the
// network thread runs. Not copyable or movable (the library holds a pointer to its state).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "io/source.h"

struct mosquitto;

namespace edgeloop::io {

struct MqttSourceConfig {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string client_id;            // required: the broker keeps the session under it
  std::vector<std::string> topics;  // subscription filters; + and # allowed
  int qos = 1;
  int keepalive_s = 30;
  size_t max_queue = 100000;  // messages
  int poll_interval_ms = 100;  // NextDueMs = now + this
};

class MqttSource final : public Source {
 public:
  static Result<std::unique_ptr<MqttSource>> Connect(const MqttSourceConfig& config);
  ~MqttSource() override;
  MqttSource(const MqttSource&) = delete;
  MqttSource& operator=(const MqttSource&) = delete;

  std::string_view kind() const override { return "mqtt"; }
  Status Poll(int64_t now_ms, SourceBatch* batch) override;
  std::optional<int64_t> NextDueMs(int64_t now_ms) const override;

  // Blocks until the broker acknowledged every subscription (or `timeout`); Unavailable naming
  // host:port when it did not. For callers that must not miss the first messages (tests).
  Status WaitUntilSubscribed(std::chrono::milliseconds timeout);

  bool connected() const;
  uint64_t received() const;   // messages decoded and queued
  uint64_t malformed() const;  // payloads that failed to decode
  uint64_t dropped() const;    // oldest messages dropped because the queue was full
  std::string last_error() const;

  struct State;  // shared with the library's callbacks

 private:
  explicit MqttSource(const MqttSourceConfig& config);
  std::string Endpoint() const;

  MqttSourceConfig config_;
  std::unique_ptr<State> state_;
  mosquitto* mosq_ = nullptr;
  bool loop_started_ = false;
};

}  // namespace edgeloop::io
