#include "io/mqtt_source.h"

#include <mosquitto.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <utility>

#include "io/internal/mosquitto_library.h"
#include "io/reading_message.h"

namespace edgeloop::io {

struct MqttSource::State {
  const MqttSourceConfig* config = nullptr;
  std::mutex mu;
  std::condition_variable changed;
  bool connected = false;
  std::set<int> pending_subscriptions;  // SUBSCRIBE message ids without SUBACK yet
  bool subscribed = false;
  std::deque<ReadingMessage> queue;
  uint64_t received = 0;
  uint64_t malformed = 0;
  uint64_t dropped = 0;
  std::string last_error;
};

namespace {

void OnConnect(mosquitto* mosq, void* userdata, int rc) {
  auto* state = static_cast<MqttSource::State*>(userdata);
  std::lock_guard<std::mutex> lock(state->mu);
  if (rc != 0) {
    state->last_error = std::string("connection refused: ") + mosquitto_connack_string(rc);
    state->changed.notify_all();
    return;
  }
  state->connected = true;
  // Subscribing again on every connect is harmless with a persistent session and covers a
  // broker that lost it.
  state->pending_subscriptions.clear();
  for (const std::string& topic : state->config->topics) {
    int mid = 0;
    const int sub_rc = mosquitto_subscribe(mosq, &mid, topic.c_str(), state->config->qos);
    if (sub_rc == MOSQ_ERR_SUCCESS) {
      state->pending_subscriptions.insert(mid);
    } else {
      state->last_error = "subscribe to " + topic + " failed: " + mosquitto_strerror(sub_rc);
    }
  }
  state->changed.notify_all();
}

void OnDisconnect(mosquitto*, void* userdata, int) {
  auto* state = static_cast<MqttSource::State*>(userdata);
  std::lock_guard<std::mutex> lock(state->mu);
  state->connected = false;
  state->changed.notify_all();
}

void OnSubscribe(mosquitto*, void* userdata, int mid, int, const int*) {
  auto* state = static_cast<MqttSource::State*>(userdata);
  std::lock_guard<std::mutex> lock(state->mu);
  state->pending_subscriptions.erase(mid);
  if (state->pending_subscriptions.empty()) state->subscribed = true;
  state->changed.notify_all();
}

void OnMessage(mosquitto*, void* userdata, const mosquitto_message* message) {
  auto* state = static_cast<MqttSource::State*>(userdata);
  // Decode outside the lock: bursts are large.
  Result<ReadingMessage> decoded = DecodeReadingMessage(std::string_view(
      static_cast<const char*>(message->payload), static_cast<size_t>(message->payloadlen)));
  std::lock_guard<std::mutex> lock(state->mu);
  if (!decoded.ok()) {
    ++state->malformed;
    state->last_error = std::string(message->topic) + ": " + decoded.status().message();
    return;
  }
  state->queue.push_back(std::move(decoded).value());
  ++state->received;
  while (state->queue.size() > state->config->max_queue) {
    state->queue.pop_front();
    ++state->dropped;
  }
}

}  // namespace

MqttSource::MqttSource(const MqttSourceConfig& config)
    : config_(config), state_(std::make_unique<State>()) {
  state_->config = &config_;
}

MqttSource::~MqttSource() {
  if (mosq_ == nullptr) return;
  mosquitto_disconnect(mosq_);
  if (loop_started_) mosquitto_loop_stop(mosq_, false);
  mosquitto_destroy(mosq_);
}

std::string MqttSource::Endpoint() const {
  return config_.host + ":" + std::to_string(config_.port);
}

Result<std::unique_ptr<MqttSource>> MqttSource::Connect(const MqttSourceConfig& config) {
  const std::string endpoint = config.host + ":" + std::to_string(config.port);
  if (config.client_id.empty()) {
    return InvalidArgument("mqtt source " + endpoint +
                           ": client_id is required (the broker keeps the session under it)");
  }
  if (config.topics.empty()) return InvalidArgument("mqtt source " + endpoint + ": no topics");
  if (config.qos != 0 && config.qos != 1) {
    return InvalidArgument("mqtt source " + endpoint + ": qos must be 0 or 1, got " +
                           std::to_string(config.qos));
  }
  if (config.max_queue == 0) {
    return InvalidArgument("mqtt source " + endpoint + ": max_queue must be positive");
  }
  EL_RETURN_IF_ERROR(internal::InitMosquittoLibraryOnce());
  for (const std::string& topic : config.topics) {
    if (mosquitto_sub_topic_check(topic.c_str()) != MOSQ_ERR_SUCCESS) {
      return InvalidArgument("mqtt source " + endpoint + ": '" + topic +
                             "' is not a valid subscription filter");
    }
  }
  std::unique_ptr<MqttSource> source(new MqttSource(config));
  source->mosq_ = mosquitto_new(config.client_id.c_str(), false, source->state_.get());
  if (source->mosq_ == nullptr) {
    return Internal("mqtt source " + endpoint + ": mosquitto_new failed");
  }
  mosquitto_connect_callback_set(source->mosq_, OnConnect);
  mosquitto_disconnect_callback_set(source->mosq_, OnDisconnect);
  mosquitto_subscribe_callback_set(source->mosq_, OnSubscribe);
  mosquitto_message_callback_set(source->mosq_, OnMessage);
  mosquitto_reconnect_delay_set(source->mosq_, 1, 30, true);
  // Asynchronous: an unreachable broker is retried by the network thread, not failed here.
  const int rc = mosquitto_connect_async(source->mosq_, config.host.c_str(), config.port,
                                         config.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS) {
    std::lock_guard<std::mutex> lock(source->state_->mu);
    source->state_->last_error = std::string("connect: ") + mosquitto_strerror(rc);
  }
  const int loop_rc = mosquitto_loop_start(source->mosq_);
  if (loop_rc != MOSQ_ERR_SUCCESS) {
    return Internal("mqtt source " + endpoint + ": cannot start the network thread: " +
                    mosquitto_strerror(loop_rc));
  }
  source->loop_started_ = true;
  return source;
}

Status MqttSource::Poll(int64_t, SourceBatch* batch) {
  std::deque<ReadingMessage> drained;
  bool connected = false;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    drained.swap(state_->queue);
    connected = state_->connected;
  }
  for (ReadingMessage& message : drained) {
    if (auto* row = std::get_if<SourceRow>(&message)) {
      batch->rows.push_back(std::move(*row));
    } else {
      batch->bursts.push_back(std::move(std::get<Waveform>(message)));
    }
  }
  if (drained.empty() && !connected) {
    return Unavailable("mqtt broker " + Endpoint() + ": not connected (reconnecting)");
  }
  return Status::Ok();
}

std::optional<int64_t> MqttSource::NextDueMs(int64_t now_ms) const {
  return now_ms + config_.poll_interval_ms;
}

Status MqttSource::WaitUntilSubscribed(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(state_->mu);
  if (!state_->changed.wait_for(lock, timeout, [&] { return state_->subscribed; })) {
    return Unavailable("mqtt broker " + Endpoint() + ": subscriptions not acknowledged within " +
                       std::to_string(timeout.count()) + " ms" +
                       (state_->last_error.empty() ? "" : " (" + state_->last_error + ")"));
  }
  return Status::Ok();
}

bool MqttSource::connected() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->connected;
}
uint64_t MqttSource::received() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->received;
}
uint64_t MqttSource::malformed() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->malformed;
}
uint64_t MqttSource::dropped() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->dropped;
}
std::string MqttSource::last_error() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->last_error;
}

}  // namespace edgeloop::io
