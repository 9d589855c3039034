// libmosquitto, loaded and initialised at first use (see runtime_library.h).
//
// The io module does not link libmosquitto (which pulls in OpenSSL): mosquitto_library.cc defines
// the mosquitto_* functions the MQTT source and publisher call, each forwarding to the library
// loaded by InitMosquittoLibraryOnce(). Callers call it before their first mosquitto_* call and
// return its Status.
#pragma once

#include "base/status.h"

namespace edgeloop::io::internal {

// Loads libmosquitto.so.1 and calls mosquitto_lib_init the first time; thread-safe; later calls
// return the first outcome. The library is never cleaned up (it holds nothing a process needs
// back before it exits).
Status InitMosquittoLibraryOnce();

}  // namespace edgeloop::io::internal
