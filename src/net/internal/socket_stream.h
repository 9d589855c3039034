// SocketStream: buffered reads and writes with timeouts on a connected TCP socket, the byte
// layer under the POSIX HTTP server and client.
//
// The stream does not own the descriptor. Every wait for the socket is bounded by the
// per-operation timeout (read or write) and, for reads, also by an optional absolute deadline
// on the clock's monotonic time (the server bounds a whole request head with it). Writes use
// MSG_NOSIGNAL, so a peer that went away never raises SIGPIPE. Errors:
//   Unavailable "deadline exceeded: ..." (see net::IsDeadlineExceeded) — no progress in time;
//   Unavailable — the peer closed the connection (closed() is then true) or the socket failed;
//   ResourceExhausted — a line or body is longer than the caller's limit.
// Not thread-safe: one stream per connection, used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"

namespace edgeloop::net::internal {

class SocketStream {
 public:
  // `clock` may be null when set_deadline() is never used.
  SocketStream(int fd, const Clock* clock, int64_t read_timeout_ms, int64_t write_timeout_ms);

  SocketStream(const SocketStream&) = delete;
  SocketStream& operator=(const SocketStream&) = delete;

  int fd() const { return fd_; }
  // True once a read met the end of the stream.
  bool closed() const { return closed_; }

  // Bounds every later read wait so that it ends by `monotonic_nanos`; 0 removes the bound.
  void set_deadline(int64_t monotonic_nanos) { deadline_nanos_ = monotonic_nanos; }

  enum class WaitResult { kReadable, kTimedOut, kCancelled };
  // Waits up to `timeout_ms` until a read would not block (buffered bytes, new bytes or the end
  // of the stream). Returns kCancelled early when `cancel_fd` (-1 for none) becomes readable and
  // the socket has nothing to read.
  WaitResult WaitReadable(int64_t timeout_ms, int cancel_fd);

  // One line without its LF or CRLF ending; ResourceExhausted when no line ending arrives within
  // `max_bytes` bytes.
  Result<std::string> ReadLine(size_t max_bytes);
  // Appends exactly `n` bytes to `out`.
  Status ReadExact(size_t n, std::string* out);
  // Appends every byte up to the end of the stream; ResourceExhausted past `max_bytes`.
  Status ReadToEnd(size_t max_bytes, std::string* out);
  // Reads and discards until the end of the stream, `max_bytes`, an error or `timeout_ms`
  // without data (a lingering close: the peer gets to read a response before any reset).
  void Discard(size_t max_bytes, int64_t timeout_ms);

  Status WriteAll(std::string_view data);

 private:
  // Waits for `events` on the socket; DeadlineExceeded after the timeout (and read deadline).
  Status WaitFor(short events, int64_t timeout_ms);
  // Receives more bytes into buffer_; Unavailable at the end of the stream.
  Status Fill();
  size_t Buffered() const { return buffer_.size() - pos_; }

  const int fd_;
  const Clock* const clock_;
  const int64_t read_timeout_ms_;
  const int64_t write_timeout_ms_;
  int64_t deadline_nanos_ = 0;
  bool closed_ = false;
  std::string buffer_;
  size_t pos_ = 0;  // bytes of buffer_ already consumed
};

}  // namespace edgeloop::net::internal
