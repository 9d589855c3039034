// MosquittoBroker: a private mosquitto broker for tests, as a child process on 127.0.0.1 and a
// free port, with a config in a fresh mkdtemp() folder (`max_queued_messages 0` so a slow
// subscriber loses nothing, persistence off). Start waits until the broker accepts a TCP
// connection (bounded retries). The destructor kills and reaps it and removes the folder.
// Start returns NotFound when the mosquitto binary is missing (tests then GTEST_SKIP) and
// Unavailable when it never accepted connections. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "base/status.h"

namespace edgeloop::io::testing {

inline constexpr char kMosquittoBinary[] = "/usr/sbin/mosquitto";

class MosquittoBroker {
 public:
  // port 0 picks a free one.
  static Result<std::unique_ptr<MosquittoBroker>> Start(int port = 0);
  ~MosquittoBroker();
  MosquittoBroker(const MosquittoBroker&) = delete;
  MosquittoBroker& operator=(const MosquittoBroker&) = delete;

  int port() const { return port_; }
  // Kills the broker (a broker going away); Start(port()) brings one back on the same port.
  void Stop();

 private:
  MosquittoBroker() = default;

  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace edgeloop::io::testing
