#include "io/internal/modbus_library.h"

#include <modbus.h>

#include <cerrno>
#include <memory>
#include <mutex>

#include "io/internal/runtime_library.h"

namespace edgeloop::io::internal {
namespace {

// errno for "the library is not loaded"; modbus_strerror maps it to the load error.
constexpr int kNotLoaded = ELIBACC;

struct ModbusLibrary {
  Status status;
  std::unique_ptr<RuntimeLibrary> library;
};

const ModbusLibrary& Loaded() {
  static std::once_flag once;
  static ModbusLibrary* loaded = nullptr;  // process-wide, like the library itself
  std::call_once(once, [] {
    loaded = new ModbusLibrary();
    auto library = RuntimeLibrary::Open(
        "libmodbus.so.5", "libmodbus5",
        {"modbus_close", "modbus_connect", "modbus_free", "modbus_mapping_free",
         "modbus_mapping_new", "modbus_new_tcp", "modbus_read_input_registers",
         "modbus_read_registers", "modbus_receive", "modbus_reply", "modbus_set_response_timeout",
         "modbus_set_slave", "modbus_set_socket", "modbus_strerror", "modbus_tcp_listen"});
    if (library.ok()) {
      loaded->library = std::move(library).value();
    } else {
      loaded->status = library.status();
    }
  });
  return *loaded;
}

// The library's function `name`, typed like the declaration in modbus.h; nullptr when unloaded.
template <typename Function>
Function* Find(const char* name) {
  const ModbusLibrary& loaded = Loaded();
  if (loaded.library == nullptr) {
    errno = kNotLoaded;
    return nullptr;
  }
  return reinterpret_cast<Function*>(loaded.library->Symbol(name));
}

#define EL_MODBUS_FIND(name) ::edgeloop::io::internal::Find<decltype(::name)>(#name)

}  // namespace

Status LoadModbusLibrary() { return Loaded().status; }

// The load error's text, alive as long as the process; nullptr when the library loaded.
const char* ModbusLoadError() {
  const ModbusLibrary& loaded = Loaded();
  return loaded.library == nullptr ? loaded.status.message().c_str() : nullptr;
}

}  // namespace edgeloop::io::internal


// The forwarding definitions. Their signatures must match modbus.h exactly (a mismatch does not
// compile: a second extern "C" function of the same name).
extern "C" {

void modbus_close(modbus_t* ctx) {
  if (auto* f = EL_MODBUS_FIND(modbus_close)) f(ctx);
}
int modbus_connect(modbus_t* ctx) {
  auto* f = EL_MODBUS_FIND(modbus_connect);
  return f != nullptr ? f(ctx) : -1;
}
void modbus_free(modbus_t* ctx) {
  if (auto* f = EL_MODBUS_FIND(modbus_free)) f(ctx);
}
void modbus_mapping_free(modbus_mapping_t* mb_mapping) {
  if (auto* f = EL_MODBUS_FIND(modbus_mapping_free)) f(mb_mapping);
}
modbus_mapping_t* modbus_mapping_new(int nb_bits, int nb_input_bits, int nb_registers,
                                     int nb_input_registers) {
  auto* f = EL_MODBUS_FIND(modbus_mapping_new);
  return f != nullptr ? f(nb_bits, nb_input_bits, nb_registers, nb_input_registers) : nullptr;
}
modbus_t* modbus_new_tcp(const char* ip_address, int port) {
  auto* f = EL_MODBUS_FIND(modbus_new_tcp);
  return f != nullptr ? f(ip_address, port) : nullptr;
}
int modbus_read_input_registers(modbus_t* ctx, int addr, int nb, uint16_t* dest) {
  auto* f = EL_MODBUS_FIND(modbus_read_input_registers);
  return f != nullptr ? f(ctx, addr, nb, dest) : -1;
}
int modbus_read_registers(modbus_t* ctx, int addr, int nb, uint16_t* dest) {
  auto* f = EL_MODBUS_FIND(modbus_read_registers);
  return f != nullptr ? f(ctx, addr, nb, dest) : -1;
}
int modbus_receive(modbus_t* ctx, uint8_t* req) {
  auto* f = EL_MODBUS_FIND(modbus_receive);
  return f != nullptr ? f(ctx, req) : -1;
}
int modbus_reply(modbus_t* ctx, const uint8_t* req, int req_length,
                 modbus_mapping_t* mb_mapping) {
  auto* f = EL_MODBUS_FIND(modbus_reply);
  return f != nullptr ? f(ctx, req, req_length, mb_mapping) : -1;
}
int modbus_set_response_timeout(modbus_t* ctx, uint32_t to_sec, uint32_t to_usec) {
  auto* f = EL_MODBUS_FIND(modbus_set_response_timeout);
  return f != nullptr ? f(ctx, to_sec, to_usec) : -1;
}
int modbus_set_slave(modbus_t* ctx, int slave) {
  auto* f = EL_MODBUS_FIND(modbus_set_slave);
  return f != nullptr ? f(ctx, slave) : -1;
}
int modbus_set_socket(modbus_t* ctx, int s) {
  auto* f = EL_MODBUS_FIND(modbus_set_socket);
  return f != nullptr ? f(ctx, s) : -1;
}
const char* modbus_strerror(int errnum) {
  if (const char* error = edgeloop::io::internal::ModbusLoadError()) return error;
  return EL_MODBUS_FIND(modbus_strerror)(errnum);
}
int modbus_tcp_listen(modbus_t* ctx, int nb_connection) {
  auto* f = EL_MODBUS_FIND(modbus_tcp_listen);
  return f != nullptr ? f(ctx, nb_connection) : -1;
}

}  // extern "C"
