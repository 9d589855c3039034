#include "io/mqtt_publisher.h"

#include <mosquitto.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>

#include "io/internal/mosquitto_library.h"

namespace edgeloop::io {

struct MqttPublisher::State {
  std::mutex mu;
  std::condition_variable changed;
  bool connected = false;
  int connack_rc = -1;  // -1 until the broker answered
  std::set<int> acked;      // message ids whose PUBACK (QoS 1) or send (QoS 0) completed
  std::set<int> unwaited;   // QoS 0 ids nobody waits for: forgotten when they complete
};

namespace {

void OnConnect(mosquitto*, void* userdata, int rc) {
  auto* state = static_cast<MqttPublisher::State*>(userdata);
  std::lock_guard<std::mutex> lock(state->mu);
  state->connack_rc = rc;
  state->connected = rc == 0;
  state->changed.notify_all();
}

void OnDisconnect(mosquitto*, void* userdata, int) {
  auto* state = static_cast<MqttPublisher::State*>(userdata);
  std::lock_guard<std::mutex> lock(state->mu);
  state->connected = false;
  state->changed.notify_all();
}

void OnPublish(mosquitto*, void* userdata, int mid) {
  auto* state = static_cast<MqttPublisher::State*>(userdata);
  std::lock_guard<std::mutex> lock(state->mu);
  if (state->unwaited.erase(mid) > 0) return;
  state->acked.insert(mid);
  state->changed.notify_all();
}

std::string Endpoint(const MqttPublisherConfig& config) {
  return config.host + ":" + std::to_string(config.port);
}

}  // namespace

MqttPublisher::MqttPublisher(const MqttPublisherConfig& config)
    : config_(config), state_(std::make_unique<State>()) {}

MqttPublisher::~MqttPublisher() {
  if (mosq_ == nullptr) return;
  mosquitto_disconnect(mosq_);
  if (loop_started_) mosquitto_loop_stop(mosq_, false);
  mosquitto_destroy(mosq_);
}

Result<std::unique_ptr<MqttPublisher>> MqttPublisher::Connect(const MqttPublisherConfig& config) {
  EL_RETURN_IF_ERROR(internal::InitMosquittoLibraryOnce());
  std::unique_ptr<MqttPublisher> publisher(new MqttPublisher(config));
  const char* id = config.client_id.empty() ? nullptr : config.client_id.c_str();
  publisher->mosq_ = mosquitto_new(id, true, publisher->state_.get());
  if (publisher->mosq_ == nullptr) {
    return Internal("mqtt publisher " + Endpoint(config) + ": mosquitto_new failed");
  }
  mosquitto_connect_callback_set(publisher->mosq_, OnConnect);
  mosquitto_disconnect_callback_set(publisher->mosq_, OnDisconnect);
  mosquitto_publish_callback_set(publisher->mosq_, OnPublish);
  int rc = mosquitto_connect(publisher->mosq_, config.host.c_str(), config.port,
                             config.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS) {
    return Unavailable("mqtt broker " + Endpoint(config) + ": cannot connect: " +
                       (rc == MOSQ_ERR_ERRNO ? std::string(mosquitto_strerror(errno))
                                             : std::string(mosquitto_strerror(rc))));
  }
  rc = mosquitto_loop_start(publisher->mosq_);
  if (rc != MOSQ_ERR_SUCCESS) {
    return Internal("mqtt publisher " + Endpoint(config) + ": cannot start the network thread: " +
                    mosquitto_strerror(rc));
  }
  publisher->loop_started_ = true;
  State& state = *publisher->state_;
  std::unique_lock<std::mutex> lock(state.mu);
  if (!state.changed.wait_for(lock, std::chrono::milliseconds(config.timeout_ms),
                              [&] { return state.connack_rc != -1; })) {
    return Unavailable("mqtt broker " + Endpoint(config) + ": no CONNACK within " +
                       std::to_string(config.timeout_ms) + " ms");
  }
  if (state.connack_rc != 0) {
    return Unavailable("mqtt broker " + Endpoint(config) + ": connection refused: " +
                       mosquitto_connack_string(state.connack_rc));
  }
  lock.unlock();
  return publisher;
}

Status MqttPublisher::Publish(const std::string& topic, std::string_view payload, int qos) {
  if (qos != 0 && qos != 1) {
    return InvalidArgument("mqtt publish to " + topic + ": qos must be 0 or 1, got " +
                           std::to_string(qos));
  }
  int mid = 0;
  const int rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                                   payload.data(), qos, false);
  if (rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_PAYLOAD_SIZE) {
    return InvalidArgument("mqtt publish to '" + topic + "': " + mosquitto_strerror(rc));
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    return Unavailable("mqtt broker " + Endpoint(config_) + ": publish to " + topic +
                       " failed: " + mosquitto_strerror(rc));
  }
  ++published_;
  std::unique_lock<std::mutex> lock(state_->mu);
  if (qos == 0) {
    if (state_->acked.erase(mid) == 0) state_->unwaited.insert(mid);
    return Status::Ok();
  }
  if (!state_->changed.wait_for(lock, std::chrono::milliseconds(config_.timeout_ms),
                                [&] { return state_->acked.count(mid) > 0; })) {
    return Unavailable("mqtt broker " + Endpoint(config_) + ": no PUBACK for " + topic +
                       " within " + std::to_string(config_.timeout_ms) + " ms");
  }
  state_->acked.erase(mid);
  return Status::Ok();
}

}  // namespace edgeloop::io
