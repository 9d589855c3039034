#include "io/testing/mosquitto_broker.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

extern char** environ;

namespace edgeloop::io::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool Accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr = Loopback(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

Result<std::unique_ptr<MosquittoBroker>> MosquittoBroker::Start(int port) {
  if (::access(kMosquittoBinary, X_OK) != 0) {
    return NotFound(std::string("mosquitto broker binary ") + kMosquittoBinary + " not found");
  }
  std::unique_ptr<MosquittoBroker> broker(new MosquittoBroker());
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/el_mosq_XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return IoError("mkdtemp " + pattern + " failed");
  broker->dir_ = pattern;
  broker->port_ = port != 0 ? port : FreePort();
  if (broker->port_ == 0) return Unavailable("no free port on 127.0.0.1 for mosquitto");

  const std::string conf = broker->dir_ + "/mosquitto.conf";
  {
    std::ofstream out(conf);
    out << "listener " << broker->port_ << " 127.0.0.1\n"
        << "allow_anonymous true\n"
        << "max_queued_messages 0\n"
        << "persistence false\n"
        << "log_dest none\n";
    if (!out) return IoError("cannot write " + conf);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string binary = kMosquittoBinary;
  std::string flag = "-c";
  std::string conf_arg = conf;
  char* argv[] = {binary.data(), flag.data(), conf_arg.data(), nullptr};
  const int rc = ::posix_spawn(&broker->pid_, kMosquittoBinary, &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    broker->pid_ = -1;
    return IoError(std::string("cannot start ") + kMosquittoBinary + ": " + std::strerror(rc));
  }
  // Bounded retry: up to ~5 s for the listener to come up; stop early if the broker exited.
  for (int attempt = 0; attempt < 500; ++attempt) {
    if (Accepts(broker->port_)) return broker;
    int status = 0;
    if (::waitpid(broker->pid_, &status, WNOHANG) == broker->pid_) {
      broker->pid_ = -1;
      return Unavailable("mosquitto on 127.0.0.1:" + std::to_string(broker->port_) +
                         " exited before accepting connections");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Unavailable("mosquitto on 127.0.0.1:" + std::to_string(broker->port_) +
                     " did not accept connections within 5 s");
}

void MosquittoBroker::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

MosquittoBroker::~MosquittoBroker() {
  Stop();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

}  // namespace edgeloop::io::testing
