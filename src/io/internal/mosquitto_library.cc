#include "io/internal/mosquitto_library.h"

#include <mosquitto.h>

#include <mutex>

namespace edgeloop::io::internal {

void InitMosquittoLibraryOnce() {
  // A function-local once_flag: the library itself is process-wide state.
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

}  // namespace edgeloop::io::internal
