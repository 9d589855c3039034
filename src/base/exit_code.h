// ExitCodeFor: the one mapping from a Status to a process exit code, shared by `edgeloop` and
// `edgeloop-agent` so scripts can rely on the same numbers from both:
//   0 ok · 1 a check failed (set by the command, never from a Status) · 2 usage or bad input ·
//   3 not found · 4 permission or authentication · 5 I/O or unavailable · 6 data corrupt ·
//   7 conflict or precondition · 70 internal error
#pragma once

#include "base/status.h"

namespace edgeloop {

int ExitCodeFor(const Status& status);

}  // namespace edgeloop
