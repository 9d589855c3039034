// Test support for the HTTP adapters: loopback constants and raw-socket exchanges that send
// what no well-behaved peer would.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/random.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "net/http_client.h"
#include "net/httplib_client.h"
#include "net/httplib_server.h"
#include "net/internal/http_wire.h"
#include "net/internal/socket_stream.h"
#include "net/posix_http_client.h"
#include "net/posix_http_server.h"

namespace edgeloop::net::http_test {

inline constexpr char kHost[] = "127.0.0.1";
inline constexpr int64_t kSafetyTimeoutMs = 20000;  // only reached when a test is about to fail

inline std::string BaseUrl(int port) { return "http://127.0.0.1:" + std::to_string(port); }

inline HttpRequest Get(std::string path) {
  HttpRequest request;
  request.method = "GET";
  request.path = std::move(path);
  return request;
}

inline HttpHandler Reply(std::string text) {
  return [text](const HttpRequest&) { return TextResponse(200, text); };
}

inline int ConnectRaw(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EL_CHECK(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, kHost, &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Everything the peer sends until it closes (or resets) the connection.
inline std::string ReadAll(int fd) {
  internal::SocketStream stream(fd, nullptr, kSafetyTimeoutMs, kSafetyTimeoutMs);
  std::string out;
  Status read = stream.ReadToEnd(64 << 20, &out);
  EXPECT_FALSE(IsDeadlineExceeded(read)) << "the server neither answered nor closed";
  return out;
}

// Sends `bytes` on a fresh connection, half-closes it and returns all the server answered.
inline std::string RawExchange(int port, std::string_view bytes, bool half_close = true) {
  const int fd = ConnectRaw(port);
  EL_CHECK(fd >= 0);
  internal::SocketStream stream(fd, nullptr, kSafetyTimeoutMs, kSafetyTimeoutMs);
  Status sent = stream.WriteAll(bytes);  // may fail when the server refuses early
  (void)sent;
  if (half_close) ::shutdown(fd, SHUT_WR);
  std::string answer = ReadAll(fd);
  ::close(fd);
  return answer;
}

inline int CountOf(std::string_view text, std::string_view needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace edgeloop::net::http_test
