// libmosquitto's process-wide initialisation, done once however many clients a process makes.
#pragma once

namespace edgeloop::io::internal {

// Calls mosquitto_lib_init the first time; thread-safe. The library is never cleaned up (it
// holds no resources a process needs back before it exits).
void InitMosquittoLibraryOnce();

}  // namespace edgeloop::io::internal
