// The one place where a Status becomes a process exit code. Scripts can rely on these:
//   0 ok · 1 a check failed (e.g. a reproduced digest differs, a gate failed) · 2 usage or bad input
//   3 not found · 4 permission or authentication · 5 I/O or unavailable · 6 data corrupt
//   7 conflict or precondition · 70 internal error
#pragma once

#include "base/status.h"

namespace edgeloop::app {

constexpr int kExitOk = 0;
constexpr int kExitCheckFailed = 1;

int ExitCodeFor(const Status& status);

// Prints "edgeloop: <message>" to stderr and returns the exit code for `status`.
int ReportFailure(const Status& status);

}  // namespace edgeloop::app
