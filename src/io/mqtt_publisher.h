// MqttPublisher: publishes payloads to an MQTT broker (libmosquitto), waiting for the broker's
// PUBACK on QoS 1 so a caller knows the message is stored.
//
// Used by `edgeloop sim serve` (a site gateway stand-in) and by tests. Connect returns
// Unavailable naming host:port when the broker cannot be reached or does not acknowledge the
// connection within timeout_ms. Publish returns Unavailable when the link is down or the PUBACK
// does not come within timeout_ms, InvalidArgument for a bad topic or QoS. One thread publishes;
// libmosquitto's network thread runs inside. Not copyable or movable (the library holds `this`).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

struct mosquitto;

namespace edgeloop::io {

struct MqttPublisherConfig {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string client_id;  // empty: the library picks a random one
  int keepalive_s = 30;
  int timeout_ms = 5000;  // bound on the CONNACK and PUBACK waits
};

class MqttPublisher {
 public:
  static Result<std::unique_ptr<MqttPublisher>> Connect(const MqttPublisherConfig& config);
  ~MqttPublisher();
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  // QoS 0 returns once the message is queued; QoS 1 once the broker acknowledged it.
  Status Publish(const std::string& topic, std::string_view payload, int qos = 1);
  uint64_t published() const { return published_; }

  struct State;  // shared with the library's callbacks

 private:
  explicit MqttPublisher(const MqttPublisherConfig& config);

  MqttPublisherConfig config_;
  std::unique_ptr<State> state_;
  mosquitto* mosq_ = nullptr;
  bool loop_started_ = false;
  uint64_t published_ = 0;
};

}  // namespace edgeloop::io
