#include "net/internal/socket_stream.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "net/http_client.h"

namespace edgeloop::net::internal {

namespace {

constexpr size_t kReadChunk = 64 << 10;

std::string ErrnoText(int error) { return std::strerror(error); }

}  // namespace

SocketStream::SocketStream(int fd, const Clock* clock, int64_t read_timeout_ms,
                           int64_t write_timeout_ms)
    : fd_(fd),
      clock_(clock),
      read_timeout_ms_(std::max<int64_t>(read_timeout_ms, 1)),
      write_timeout_ms_(std::max<int64_t>(write_timeout_ms, 1)) {}

Status SocketStream::WaitFor(short events, int64_t timeout_ms) {
  int64_t wait_ms = timeout_ms;
  bool deadline_bound = false;
  if ((events & POLLIN) != 0 && deadline_nanos_ != 0 && clock_ != nullptr) {
    const int64_t left_ms = (deadline_nanos_ - clock_->MonotonicNanos()) / 1'000'000;
    if (left_ms < wait_ms) {
      wait_ms = std::max<int64_t>(left_ms, 0);
      deadline_bound = true;
    }
  }
  pollfd pfd{fd_, events, 0};
  int ready;
  do {
    ready = ::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(wait_ms, 1 << 30)));
  } while (ready < 0 && errno == EINTR);
  if (ready < 0) return Unavailable("poll on the connection failed: " + ErrnoText(errno));
  if (ready == 0) {
    if (deadline_bound) return DeadlineExceeded("the time allowed for the message ran out");
    if ((events & POLLIN) != 0) {
      return DeadlineExceeded("nothing received for " + std::to_string(timeout_ms) + " ms");
    }
    return DeadlineExceeded("could not send for " + std::to_string(timeout_ms) + " ms");
  }
  return Status::Ok();  // readable, writable, or an error the next recv/send reports
}

SocketStream::WaitResult SocketStream::WaitReadable(int64_t timeout_ms, int cancel_fd) {
  if (Buffered() > 0 || closed_) return WaitResult::kReadable;
  pollfd pfds[2] = {{fd_, POLLIN, 0}, {cancel_fd, POLLIN, 0}};
  const nfds_t count = cancel_fd >= 0 ? 2 : 1;
  int ready;
  do {
    ready = ::poll(pfds, count, static_cast<int>(std::clamp<int64_t>(timeout_ms, 0, 1 << 30)));
  } while (ready < 0 && errno == EINTR);
  if (ready < 0) return WaitResult::kReadable;  // the next read reports the error
  if (pfds[0].revents != 0) return WaitResult::kReadable;
  if (ready > 0) return WaitResult::kCancelled;
  return WaitResult::kTimedOut;
}

Status SocketStream::Fill() {
  if (pos_ > 0 && pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ > kReadChunk) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  if (closed_) return Unavailable("the peer closed the connection");
  while (true) {
    EL_RETURN_IF_ERROR(WaitFor(POLLIN, read_timeout_ms_));
    const size_t old_size = buffer_.size();
    buffer_.resize(old_size + kReadChunk);
    const ssize_t n = ::recv(fd_, buffer_.data() + old_size, kReadChunk, MSG_DONTWAIT);
    const int error = errno;
    buffer_.resize(old_size + (n > 0 ? static_cast<size_t>(n) : 0));
    if (n > 0) return Status::Ok();
    if (n == 0) {
      closed_ = true;
      return Unavailable("the peer closed the connection");
    }
    if (error == EAGAIN || error == EWOULDBLOCK || error == EINTR) continue;
    return Unavailable("receiving failed: " + ErrnoText(error));
  }
}

Result<std::string> SocketStream::ReadLine(size_t max_bytes) {
  size_t scanned = pos_;
  while (true) {
    const size_t newline = buffer_.find('\n', scanned);
    if (newline != std::string::npos) {
      size_t end = newline;
      if (end > pos_ && buffer_[end - 1] == '\r') --end;
      if (end - pos_ > max_bytes) break;
      std::string line = buffer_.substr(pos_, end - pos_);
      pos_ = newline + 1;
      return line;
    }
    if (Buffered() > max_bytes + 1) break;  // +1: a CR that the LF will follow
    scanned = buffer_.size();
    const size_t consumed = pos_;
    EL_RETURN_IF_ERROR(Fill());
    scanned -= consumed - pos_;  // Fill() may have moved the unread bytes to the front
  }
  return ResourceExhausted("a line is longer than " + std::to_string(max_bytes) + " bytes");
}

Status SocketStream::ReadExact(size_t n, std::string* out) {
  const size_t take = std::min(n, Buffered());
  out->append(buffer_, pos_, take);
  pos_ += take;
  size_t missing = n - take;
  if (missing == 0) return Status::Ok();
  // Large bodies go straight into `out` rather than through the buffer. `out` grows with the
  // bytes that arrive (doubling from 1 MiB), so a peer that announces a large body and sends
  // little makes the process touch little memory.
  size_t filled = out->size();
  const size_t start = filled;
  while (missing > 0) {
    if (filled == out->size()) {
      out->resize(filled + std::min(missing, std::max<size_t>(1 << 20, filled - start)));
    }
    Status waited =
        closed_ ? Unavailable("the peer closed the connection") : WaitFor(POLLIN, read_timeout_ms_);
    if (!waited.ok()) {
      out->resize(filled);
      return waited;
    }
    const ssize_t got = ::recv(fd_, out->data() + filled, out->size() - filled, MSG_DONTWAIT);
    const int error = errno;
    if (got > 0) {
      filled += static_cast<size_t>(got);
      missing -= static_cast<size_t>(got);
      continue;
    }
    if (got < 0 && (error == EAGAIN || error == EWOULDBLOCK || error == EINTR)) continue;
    out->resize(filled);
    if (got == 0) {
      closed_ = true;
      return Unavailable("the peer closed the connection " + std::to_string(missing) +
                         " bytes before the end of the body");
    }
    return Unavailable("receiving failed: " + ErrnoText(error));
  }
  return Status::Ok();
}

Status SocketStream::ReadToEnd(size_t max_bytes, std::string* out) {
  size_t total = 0;
  while (true) {
    total += Buffered();
    if (total > max_bytes) {
      return ResourceExhausted("the body is longer than " + std::to_string(max_bytes) + " bytes");
    }
    out->append(buffer_, pos_, std::string::npos);
    pos_ = buffer_.size();
    Status filled = Fill();
    if (!filled.ok()) return closed_ ? Status::Ok() : filled;
  }
}

void SocketStream::Discard(size_t max_bytes, int64_t timeout_ms) {
  size_t total = Buffered();
  buffer_.clear();
  pos_ = 0;
  char scratch[16 << 10];
  while (!closed_ && total < max_bytes) {
    if (!WaitFor(POLLIN, timeout_ms).ok()) return;
    const ssize_t n = ::recv(fd_, scratch, sizeof(scratch), MSG_DONTWAIT);
    if (n > 0) {
      total += static_cast<size_t>(n);
    } else if (n == 0) {
      closed_ = true;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return;
    }
  }
}

Status SocketStream::WriteAll(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    const int error = errno;
    if (n < 0 && (error == EAGAIN || error == EWOULDBLOCK)) {
      EL_RETURN_IF_ERROR(WaitFor(POLLOUT, write_timeout_ms_));
      continue;
    }
    if (n < 0 && error == EINTR) continue;
    return Unavailable("sending failed: " + ErrnoText(n < 0 ? error : EPIPE));
  }
  return Status::Ok();
}

}  // namespace edgeloop::net::internal
