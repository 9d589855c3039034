#include "net/http_client.h"

#include "base/strings.h"

namespace edgeloop::net {

namespace {
constexpr std::string_view kDeadlinePrefix = "deadline exceeded: ";
}  // namespace

Status DeadlineExceeded(const std::string& message) {
  return Unavailable(std::string(kDeadlinePrefix) + message);
}

bool IsDeadlineExceeded(const Status& status) {
  return status.code() == StatusCode::kUnavailable && StartsWith(status.message(), kDeadlinePrefix);
}

}  // namespace edgeloop::net
