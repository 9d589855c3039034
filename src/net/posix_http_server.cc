#include "net/posix_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/strings.h"
#include "net/internal/http_wire.h"
#include "net/internal/socket_stream.h"

namespace edgeloop::net {
namespace {

using internal::SocketStream;

constexpr int kListenBacklog = 128;
// Accepted connections waiting for a worker; beyond this new ones are closed at once.
constexpr size_t kMaxPendingConnections = 1024;
// After refusing a request the server reads and drops what the client is still sending (up to
// this much, while it keeps coming), so the client reads the error instead of a reset.
constexpr size_t kLingerBytes = 64 << 20;
constexpr int64_t kLingerTimeoutMs = 1000;
// accept() failing for lack of descriptors or memory is retried after this pause.
constexpr int kAcceptBackoffMs = 100;
constexpr int kMaxLeadingEmptyLines = 4;
// Bodies up to this size are sent in the same write as the head.
constexpr size_t kCoalesceBytes = 16 << 10;

std::string PeerAddress(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
  } else if (addr.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], text, sizeof(text));
    } else {
      inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
    }
  }
  return text;
}

Result<int> BindListener(const std::string& host, int port) {
  const std::string where = host + ":" + std::to_string(port);
  if (port < 0 || port > 65535) return IoError("cannot bind " + where + ": port out of range");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int rc =
      getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    return IoError("cannot bind " + where + ": cannot resolve the host (" + gai_strerror(rc) + ")");
  }
  std::string last_error = "no address";
  int fd = -1;
  for (addrinfo* entry = found; entry != nullptr && fd < 0; entry = entry->ai_next) {
    const int candidate = ::socket(
        entry->ai_family, entry->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, entry->ai_protocol);
    if (candidate < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    // SO_REUSEADDR only: SO_REUSEPORT would let a second server share a busy port silently.
    int yes = 1;
    setsockopt(candidate, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (::bind(candidate, entry->ai_addr, entry->ai_addrlen) == 0 &&
        ::listen(candidate, kListenBacklog) == 0) {
      fd = candidate;
    } else {
      last_error = std::strerror(errno);
      ::close(candidate);
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return IoError("cannot bind " + where + ": " + last_error);
  return fd;
}

bool HasToken(std::string_view list, std::string_view token) {
  for (std::string_view item : Split(list, ',')) {
    if (ToLower(Trim(item)) == token) return true;
  }
  return false;
}

// One request as read from a connection, or why it is refused.
struct Exchange {
  HttpRequest request;
  int minor_version = 1;
  bool keep_alive = false;
  int refusal_status = 0;
  std::string refusal_message;
};

enum class ReadOutcome { kRequest, kRefuse, kDrop };

ReadOutcome Refuse(Exchange* exchange, int status, std::string message) {
  exchange->refusal_status = status;
  exchange->refusal_message = std::move(message);
  return ReadOutcome::kRefuse;
}

struct PendingConnection {
  int fd = -1;
  std::string remote_addr;
};

class PosixHttpServer final : public HttpServer {
 public:
  explicit PosixHttpServer(const HttpServerOptions& options) : options_(options) {}
  ~PosixHttpServer() override { Stop(); }

  Status Route(std::string_view method, std::string_view pattern, HttpHandler handler) override {
    if (listening_) {
      return FailedPrecondition("cannot add route " + std::string(method) + " " +
                                std::string(pattern) + ": the server is already listening");
    }
    return router_.Add(method, pattern, std::move(handler));
  }

  Result<int> Listen(const std::string& host, int port) override {
    std::lock_guard<std::mutex> lock(lifecycle_mu_);
    if (listening_) return FailedPrecondition("server is already listening");
    EL_ASSIGN_OR_RETURN(listen_fd_, BindListener(host, port));
    sockaddr_storage bound{};
    socklen_t bound_size = sizeof(bound);
    int wake[2];
    if (getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &bound_size) != 0 ||
        pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
      const std::string error = std::strerror(errno);
      ::close(listen_fd_);
      listen_fd_ = -1;
      return IoError("cannot listen on " + host + ":" + std::to_string(port) + ": " + error);
    }
    wake_read_fd_ = wake[0];
    wake_write_fd_ = wake[1];
    const int bound_port =
        ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                          : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    stopping_ = false;
    listening_ = true;
    try {
      const int threads = std::max(options_.threads, 1);
      for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
      accept_thread_ = std::thread([this] { AcceptLoop(); });
    } catch (const std::system_error& e) {
      ShutDown();
      return Internal("http server on " + host + ":" + std::to_string(port) +
                      ": cannot start its threads: " + e.what());
    }
    return bound_port;
  }

  void Stop() override {
    std::lock_guard<std::mutex> lock(lifecycle_mu_);
    if (listening_) ShutDown();
  }

 private:
  // With lifecycle_mu_ held: wakes and joins every thread and closes the descriptors.
  void ShutDown() {
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    // The byte is never read, so the pipe stays readable and wakes every later wait too.
    const char byte = 1;
    const ssize_t written = ::write(wake_write_fd_, &byte, 1);
    (void)written;
    if (accept_thread_.joinable()) accept_thread_.join();
    ::close(listen_fd_);  // connections still in the backlog are reset
    listen_fd_ = -1;
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
    ::close(wake_read_fd_);
    ::close(wake_write_fd_);
    wake_read_fd_ = wake_write_fd_ = -1;
    listening_ = false;
  }

  void AcceptLoop() {
    while (true) {
      pollfd pfds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_fd_, POLLIN, 0}};
      if (::poll(pfds, 2, -1) < 0 && errno != EINTR) Backoff();
      if (pfds[1].revents != 0) return;
      if (pfds[0].revents == 0) continue;
      sockaddr_storage addr{};
      socklen_t addr_size = sizeof(addr);
      const int fd =
          accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &addr_size, SOCK_CLOEXEC);
      if (fd < 0) {
        // Out of descriptors or memory leaves the connection queued: pause instead of spinning.
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED) {
          Backoff();
        }
        continue;
      }
      int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
      bool queued = false;
      {
        std::lock_guard<std::mutex> lock(queue_mu_);
        if (queue_.size() < kMaxPendingConnections) {
          queue_.push_back({fd, PeerAddress(addr)});
          queued = true;
        }
      }
      if (queued) {
        queue_cv_.notify_one();
      } else {
        ::close(fd);
      }
    }
  }

  void Backoff() {
    pollfd wake{wake_read_fd_, POLLIN, 0};
    ::poll(&wake, 1, kAcceptBackoffMs);
  }

  void WorkerLoop() {
    while (true) {
      PendingConnection connection;
      {
        std::unique_lock<std::mutex> lock(queue_mu_);
        queue_cv_.wait(lock, [this] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) return;
        connection = std::move(queue_.front());
        queue_.pop_front();
      }
      try {
        ServeConnection(connection.fd, connection.remote_addr);
      } catch (...) {
        // Out of memory for one request: that connection is dropped, the server goes on.
      }
      ::close(connection.fd);
    }
  }

  bool ConnectionsWaiting() {
    std::lock_guard<std::mutex> lock(queue_mu_);
    return !queue_.empty();
  }

  void ServeConnection(int fd, const std::string& remote_addr) {
    SocketStream stream(fd, &clock_, options_.read_timeout_ms, options_.write_timeout_ms);
    const int max_requests = std::max(options_.keep_alive_max_requests, 1);
    for (int served = 0; served < max_requests;) {
      // A connection's first request gets the read timeout; later ones the keep-alive timeout.
      // Once stopping, only a request whose bytes already arrived is served.
      const int64_t idle_ms =
          served == 0 ? options_.read_timeout_ms : int64_t{options_.keep_alive_timeout_s} * 1000;
      if (stream.WaitReadable(idle_ms, wake_read_fd_) != SocketStream::WaitResult::kReadable) {
        return;
      }
      ++served;
      Exchange exchange;
      exchange.request.remote_addr = remote_addr;
      const ReadOutcome outcome = ReadRequest(stream, &exchange);
      if (outcome == ReadOutcome::kDrop) return;
      if (outcome == ReadOutcome::kRefuse) {
        WriteResponse(stream, ErrorResponse(exchange.refusal_status, exchange.refusal_message),
                      false, false, exchange.minor_version);
        ::shutdown(fd, SHUT_WR);
        stream.Discard(kLingerBytes, std::min(options_.read_timeout_ms, kLingerTimeoutMs));
        return;
      }
      const bool head_only = exchange.request.method == "HEAD";
      HttpResponse response = router_.Dispatch(exchange.request);
      const bool keep_alive =
          exchange.keep_alive && served < max_requests && !stopping_ && !ConnectionsWaiting();
      if (!WriteResponse(stream, std::move(response), head_only, keep_alive,
                         exchange.minor_version) ||
          !keep_alive) {
        ::shutdown(fd, SHUT_WR);
        return;
      }
    }
  }

  ReadOutcome ReadRequest(SocketStream& stream, Exchange* exchange) {
    HttpRequest& request = exchange->request;
    const std::string limit = std::to_string(internal::kMaxHeadBytes) + " bytes";
    stream.set_deadline(clock_.MonotonicNanos() + options_.read_timeout_ms * 1'000'000);
    Result<std::string> line = stream.ReadLine(internal::kMaxHeadBytes);
    for (int blank = 0; line.ok() && line->empty() && blank < kMaxLeadingEmptyLines; ++blank) {
      line = stream.ReadLine(internal::kMaxHeadBytes);
    }
    if (!line.ok()) {
      if (line.status().code() != StatusCode::kResourceExhausted) return ReadOutcome::kDrop;
      return Refuse(exchange, 414, "request line is longer than " + limit);
    }
    Result<internal::RequestLine> request_line = internal::ParseRequestLine(*line);
    if (!request_line.ok()) {
      const bool version = request_line.status().code() == StatusCode::kFailedPrecondition;
      return Refuse(exchange, version ? 505 : 400,
                    "malformed request: " + request_line.status().message());
    }
    exchange->minor_version = request_line->minor_version;
    size_t budget = internal::kMaxHeadBytes - std::min(internal::kMaxHeadBytes, line->size() + 2);
    while (true) {
      Result<std::string> header = stream.ReadLine(budget);
      if (!header.ok()) {
        if (header.status().code() != StatusCode::kResourceExhausted) return ReadOutcome::kDrop;
        return Refuse(exchange, 431, "request header fields are longer than " + limit);
      }
      if (header->empty()) break;
      budget -= std::min(budget, header->size() + 2);
      Status added = internal::AddHeaderLine(*header, &request.headers);
      if (!added.ok()) return Refuse(exchange, 400, "malformed request: " + added.message());
    }
    stream.set_deadline(0);

    request.method = request_line->method;
    std::string_view target = request_line->target;
    if (StartsWith(target, "http://") || StartsWith(target, "https://")) {
      const size_t authority = target.find("//") + 2;
      const size_t path = target.find_first_of("/?", authority);
      target = path == std::string_view::npos ? std::string_view("/") : target.substr(path);
      if (target.front() == '?') return Refuse(exchange, 400, "malformed request: no path");
    }
    if (target != "*" && target.front() != '/') {
      return Refuse(
          exchange, 400,
          "malformed request: target '" + std::string(target) + "' is not an absolute path");
    }
    const size_t question = target.find('?');
    request.path = internal::PercentDecode(target.substr(0, question), false);
    if (question != std::string_view::npos) {
      request.query = internal::ParseQuery(target.substr(question + 1));
    }
    const std::string connection = HeaderValue(request, "connection");
    exchange->keep_alive = !HasToken(connection, "close") &&
                           (exchange->minor_version == 1 || HasToken(connection, "keep-alive"));
    return ReadBody(stream, exchange);
  }

  ReadOutcome ReadBody(SocketStream& stream, Exchange* exchange) {
    HttpRequest& request = exchange->request;
    Result<internal::BodyFrame> frame = internal::ParseBodyFraming(request.headers, true);
    if (!frame.ok()) {
      const bool unsupported = frame.status().code() == StatusCode::kFailedPrecondition;
      return Refuse(exchange, unsupported ? 501 : 400,
                    (unsupported ? "" : "malformed request: ") + frame.status().message());
    }
    const size_t max_body = static_cast<size_t>(std::max<int64_t>(options_.max_body_bytes, 0));
    const std::string too_large =
        "request body exceeds the limit of " + std::to_string(max_body) + " bytes";
    if (frame->framing == internal::BodyFraming::kContentLength && frame->length > max_body) {
      return Refuse(exchange, 413, too_large);
    }
    if (frame->framing == internal::BodyFraming::kNone ||
        (frame->framing == internal::BodyFraming::kContentLength && frame->length == 0)) {
      return ReadOutcome::kRequest;
    }
    // Clients that ask first (curl does for bodies over 1 MiB) get the go-ahead only now that
    // the size is known to fit.
    if (exchange->minor_version == 1 && ToLower(HeaderValue(request, "expect")) == "100-continue" &&
        !stream.WriteAll("HTTP/1.1 100 Continue\r\n\r\n").ok()) {
      return ReadOutcome::kDrop;
    }
    if (frame->framing == internal::BodyFraming::kContentLength) {
      request.body.reserve(frame->length);
      return stream.ReadExact(frame->length, &request.body).ok() ? ReadOutcome::kRequest
                                                                 : ReadOutcome::kDrop;
    }
    Status read = internal::ReadChunkedBody(stream, max_body, &request.body);
    if (read.ok()) return ReadOutcome::kRequest;
    if (read.code() == StatusCode::kResourceExhausted) return Refuse(exchange, 413, too_large);
    if (read.code() == StatusCode::kInvalidArgument) {
      return Refuse(exchange, 400, "malformed request: " + read.message());
    }
    return ReadOutcome::kDrop;
  }

  static bool WriteResponse(SocketStream& stream, HttpResponse response, bool head_only,
                            bool keep_alive, int minor_version) {
    if (response.status < 200 || response.status > 599) {
      response = ErrorResponse(500, "the handler answered with HTTP status " +
                                        std::to_string(response.status) + ", not 200-599");
    }
    const bool bodyless = response.status == 204 || response.status == 304;
    std::string head = "HTTP/1.1 " + std::to_string(response.status) + " ";
    head += internal::ReasonPhrase(response.status);
    head += "\r\n";
    if (!response.content_type.empty() && internal::IsSafeHeaderValue(response.content_type)) {
      head += "Content-Type: " + response.content_type + "\r\n";
    }
    for (const auto& [key, value] : response.headers) {
      if (key == "content-type" || key == "content-length" || key == "transfer-encoding" ||
          key == "connection") {
        continue;  // the server frames the message itself
      }
      // A value with a line break would let a handler split the response: never written.
      if (!internal::IsToken(key) || !internal::IsSafeHeaderValue(value)) continue;
      head += key + ": " + value + "\r\n";
    }
    if (!bodyless) head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    if (!keep_alive) {
      head += "Connection: close\r\n";
    } else if (minor_version == 0) {
      head += "Connection: keep-alive\r\n";
    }
    head += "\r\n";
    const bool send_body = !head_only && !bodyless && !response.body.empty();
    if (send_body && response.body.size() <= kCoalesceBytes) {
      head += response.body;
      return stream.WriteAll(head).ok();
    }
    if (!stream.WriteAll(head).ok()) return false;
    return !send_body || stream.WriteAll(response.body).ok();
  }

  const HttpServerOptions options_;
  const SystemClock clock_;
  HttpRouter router_;

  std::mutex lifecycle_mu_;  // Listen() and Stop()
  std::atomic<bool> listening_ = false;
  std::atomic<bool> stopping_ = false;
  int listen_fd_ = -1;
  int wake_read_fd_ = -1;  // readable once stopping: wakes the accept thread and idle waits
  int wake_write_fd_ = -1;
  std::thread accept_thread_;
  std::vector<std::thread> workers_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<PendingConnection> queue_;  // accepted, waiting for a worker
};

}  // namespace

std::unique_ptr<HttpServer> NewPosixHttpServer(const HttpServerOptions& options) {
  return std::make_unique<PosixHttpServer>(options);
}

}  // namespace edgeloop::net
