// The one place where a Status becomes a process exit code. Scripts can rely on these:
//   0 ok · 1 a check failed (e.g. a reproduced digest differs, a gate failed) · 2 usage or bad input
//   3 not found · 4 permission or authentication · 5 I/O or unavailable · 6 data corrupt
//   7 conflict or precondition · 70 internal error
#pragma once

#include <cstdio>

#include "base/exit_code.h"  // ExitCodeFor
#include "base/status.h"

namespace edgeloop::app {

constexpr int kExitOk = 0;
constexpr int kExitCheckFailed = 1;

// Prints "edgeloop: <message>" to `err` and returns the exit code for `status`.
int ReportFailure(const Status& status, std::FILE* err = stderr);

// The same, stream first (reads better at call sites that pass a context's stream).
inline int ReportFailureTo(std::FILE* err, const Status& status) {
  return ReportFailure(status, err);
}

}  // namespace edgeloop::app
