#include "base/exit_code.h"

namespace edgeloop {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidArgument: return 2;
    case StatusCode::kNotFound: return 3;
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated: return 4;
    case StatusCode::kIoError:
    case StatusCode::kUnavailable:
    case StatusCode::kResourceExhausted: return 5;
    case StatusCode::kDataLoss: return 6;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAborted: return 7;
    case StatusCode::kInternal: return 70;
  }
  return 70;
}

}  // namespace edgeloop
