// Status and Result<T>: how every failure the world can cause travels through edgeloop.
//
// A Status is either OK or a code with a message that names the object and what was expected
// ("readings.csv:14: timestamp 2026-01-01T00:00:00Z is not after the previous one"). Result<T>
// holds a T or a non-OK Status. Neither throws; EL_RETURN_IF_ERROR and EL_ASSIGN_OR_RETURN keep
// call sites flat. EL_CHECK aborts on a broken invariant (a bug, never bad input).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace edgeloop {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // bad input from a user or a file
  kNotFound,           // a named object does not exist
  kAlreadyExists,      // creating something that is there
  kFailedPrecondition, // the system is not in the state the call needs
  kPermissionDenied,   // authenticated but not allowed
  kUnauthenticated,    // no or bad credentials
  kDataLoss,           // stored data is corrupt or does not verify
  kIoError,            // the OS failed a file or socket operation
  kUnavailable,        // a peer could not be reached; retry may succeed
  kResourceExhausted,  // a quota or size limit was hit
  kAborted,            // a conflict; retry the whole operation
  kInternal,           // a third-party library failed unexpectedly
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid argument: <message>" or "ok".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

  bool operator==(const Status& other) const = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

Status InvalidArgument(std::string message);
Status NotFound(std::string message);
Status AlreadyExists(std::string message);
Status FailedPrecondition(std::string message);
Status PermissionDenied(std::string message);
Status Unauthenticated(std::string message);
Status DataLoss(std::string message);
Status IoError(std::string message);
Status Unavailable(std::string message);
Status ResourceExhausted(std::string message);
Status Aborted(std::string message);
Status Internal(std::string message);

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Internal("Result constructed from an OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace edgeloop

#define EL_CONCAT_INNER_(a, b) a##b
#define EL_CONCAT_(a, b) EL_CONCAT_INNER_(a, b)

#define EL_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::edgeloop::Status el_status_ = (expr);      \
    if (!el_status_.ok()) return el_status_;     \
  } while (0)

#define EL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#define EL_ASSIGN_OR_RETURN(lhs, expr) \
  EL_ASSIGN_OR_RETURN_IMPL_(EL_CONCAT_(el_result_, __LINE__), lhs, expr)

#define EL_CHECK(cond)                                                              \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)
