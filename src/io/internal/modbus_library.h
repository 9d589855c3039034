// libmodbus, loaded at first use (see runtime_library.h).
//
// The io module does not link libmodbus: modbus_library.cc defines the libmodbus functions the
// Modbus source and server call, each forwarding to the library loaded by LoadModbusLibrary().
// Callers call LoadModbusLibrary() before their first modbus_* call and return its Status; the
// forwarding functions then never see an unloaded library (if one did, it fails like libmodbus
// does, with errno set and modbus_strerror naming the load error).
#pragma once

#include "base/status.h"

namespace edgeloop::io::internal {

// Loads libmodbus.so.5 the first time; thread-safe; later calls return the first outcome.
Status LoadModbusLibrary();

}  // namespace edgeloop::io::internal
