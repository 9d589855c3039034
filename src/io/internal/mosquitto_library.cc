#include "io/internal/mosquitto_library.h"

#include <mosquitto.h>

#include <memory>
#include <mutex>

#include "io/internal/runtime_library.h"

namespace edgeloop::io::internal {
namespace {

struct MosquittoLibrary {
  Status status;
  std::unique_ptr<RuntimeLibrary> library;
};

const MosquittoLibrary& Loaded() {
  static std::once_flag once;
  static MosquittoLibrary* loaded = nullptr;  // process-wide, like the library itself
  std::call_once(once, [] {
    loaded = new MosquittoLibrary();
    auto library = RuntimeLibrary::Open(
        "libmosquitto.so.1", "libmosquitto1",
        {"mosquitto_connack_string", "mosquitto_connect", "mosquitto_connect_async",
         "mosquitto_connect_callback_set", "mosquitto_destroy", "mosquitto_disconnect",
         "mosquitto_disconnect_callback_set", "mosquitto_lib_init", "mosquitto_loop_start",
         "mosquitto_loop_stop", "mosquitto_message_callback_set", "mosquitto_new",
         "mosquitto_publish", "mosquitto_publish_callback_set", "mosquitto_reconnect_delay_set",
         "mosquitto_strerror", "mosquitto_sub_topic_check", "mosquitto_subscribe",
         "mosquitto_subscribe_callback_set"});
    if (!library.ok()) {
      loaded->status = library.status();
      return;
    }
    loaded->library = std::move(library).value();
    auto* init = reinterpret_cast<decltype(::mosquitto_lib_init)*>(
        loaded->library->Symbol("mosquitto_lib_init"));
    const int rc = init();
    if (rc != MOSQ_ERR_SUCCESS) {
      loaded->status = Internal("mosquitto_lib_init failed with code " + std::to_string(rc));
      loaded->library.reset();
    }
  });
  return *loaded;
}

// The library's function `name`, typed like the declaration in mosquitto.h; nullptr when the
// library is not loaded (callers check InitMosquittoLibraryOnce() first, so this is a backstop).
template <typename Function>
Function* Find(const char* name) {
  const MosquittoLibrary& loaded = Loaded();
  if (loaded.library == nullptr) return nullptr;
  return reinterpret_cast<Function*>(loaded.library->Symbol(name));
}

}  // namespace

Status InitMosquittoLibraryOnce() { return Loaded().status; }

}  // namespace edgeloop::io::internal

#define EL_MOSQ_FIND(name) ::edgeloop::io::internal::Find<decltype(::name)>(#name)
#define EL_MOSQ_CALL(name, fallback, ...)  \
  do {                                     \
    auto* f = EL_MOSQ_FIND(name);          \
    return f != nullptr ? f(__VA_ARGS__) : fallback; \
  } while (false)
#define EL_MOSQ_CALL_VOID(name, ...)    \
  do {                                  \
    if (auto* f = EL_MOSQ_FIND(name)) f(__VA_ARGS__); \
  } while (false)

// The forwarding definitions. Their signatures must match mosquitto.h exactly (a mismatch does
// not compile: a second extern "C" function of the same name).
extern "C" {

const char* mosquitto_connack_string(int connack_code) {
  EL_MOSQ_CALL(mosquitto_connack_string, "libmosquitto is not loaded", connack_code);
}
int mosquitto_connect(struct mosquitto* mosq, const char* host, int port, int keepalive) {
  EL_MOSQ_CALL(mosquitto_connect, MOSQ_ERR_NOT_SUPPORTED, mosq, host, port, keepalive);
}
int mosquitto_connect_async(struct mosquitto* mosq, const char* host, int port, int keepalive) {
  EL_MOSQ_CALL(mosquitto_connect_async, MOSQ_ERR_NOT_SUPPORTED, mosq, host, port, keepalive);
}
void mosquitto_connect_callback_set(struct mosquitto* mosq,
                                    void (*on_connect)(struct mosquitto*, void*, int)) {
  EL_MOSQ_CALL_VOID(mosquitto_connect_callback_set, mosq, on_connect);
}
void mosquitto_destroy(struct mosquitto* mosq) { EL_MOSQ_CALL_VOID(mosquitto_destroy, mosq); }
int mosquitto_disconnect(struct mosquitto* mosq) {
  EL_MOSQ_CALL(mosquitto_disconnect, MOSQ_ERR_NOT_SUPPORTED, mosq);
}
void mosquitto_disconnect_callback_set(struct mosquitto* mosq,
                                       void (*on_disconnect)(struct mosquitto*, void*, int)) {
  EL_MOSQ_CALL_VOID(mosquitto_disconnect_callback_set, mosq, on_disconnect);
}
int mosquitto_loop_start(struct mosquitto* mosq) {
  EL_MOSQ_CALL(mosquitto_loop_start, MOSQ_ERR_NOT_SUPPORTED, mosq);
}
int mosquitto_loop_stop(struct mosquitto* mosq, bool force) {
  EL_MOSQ_CALL(mosquitto_loop_stop, MOSQ_ERR_NOT_SUPPORTED, mosq, force);
}
void mosquitto_message_callback_set(
    struct mosquitto* mosq,
    void (*on_message)(struct mosquitto*, void*, const struct mosquitto_message*)) {
  EL_MOSQ_CALL_VOID(mosquitto_message_callback_set, mosq, on_message);
}
struct mosquitto* mosquitto_new(const char* id, bool clean_session, void* obj) {
  EL_MOSQ_CALL(mosquitto_new, nullptr, id, clean_session, obj);
}
int mosquitto_publish(struct mosquitto* mosq, int* mid, const char* topic, int payloadlen,
                      const void* payload, int qos, bool retain) {
  EL_MOSQ_CALL(mosquitto_publish, MOSQ_ERR_NOT_SUPPORTED, mosq, mid, topic, payloadlen, payload,
               qos, retain);
}
void mosquitto_publish_callback_set(struct mosquitto* mosq,
                                    void (*on_publish)(struct mosquitto*, void*, int)) {
  EL_MOSQ_CALL_VOID(mosquitto_publish_callback_set, mosq, on_publish);
}
int mosquitto_reconnect_delay_set(struct mosquitto* mosq, unsigned int reconnect_delay,
                                  unsigned int reconnect_delay_max,
                                  bool reconnect_exponential_backoff) {
  EL_MOSQ_CALL(mosquitto_reconnect_delay_set, MOSQ_ERR_NOT_SUPPORTED, mosq, reconnect_delay,
               reconnect_delay_max, reconnect_exponential_backoff);
}
const char* mosquitto_strerror(int mosq_errno) {
  EL_MOSQ_CALL(mosquitto_strerror, "libmosquitto is not loaded", mosq_errno);
}
int mosquitto_sub_topic_check(const char* topic) {
  EL_MOSQ_CALL(mosquitto_sub_topic_check, MOSQ_ERR_NOT_SUPPORTED, topic);
}
int mosquitto_subscribe(struct mosquitto* mosq, int* mid, const char* sub, int qos) {
  EL_MOSQ_CALL(mosquitto_subscribe, MOSQ_ERR_NOT_SUPPORTED, mosq, mid, sub, qos);
}
void mosquitto_subscribe_callback_set(
    struct mosquitto* mosq,
    void (*on_subscribe)(struct mosquitto*, void*, int, int, const int*)) {
  EL_MOSQ_CALL_VOID(mosquitto_subscribe_callback_set, mosq, on_subscribe);
}

}  // extern "C"
