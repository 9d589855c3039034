// ReadProcessMemory: how much memory this process holds, from /proc/self/status (Linux).
//
// rss_bytes is VmRSS (resident now); peak_rss_bytes is VmHWM (the high-water mark of the
// resident set since the process started). Used by bundle validation to profile a scorer's
// footprint. Thread-safe (reads a file). Errors: IoError when the file cannot be read,
// DataLoss when it lacks either field or a value does not parse.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace edgeloop {

struct ProcessMemory {
  int64_t rss_bytes = 0;
  int64_t peak_rss_bytes = 0;
};

Result<ProcessMemory> ReadProcessMemory();

// Parses the text of a /proc/<pid>/status file ("VmRSS:     1234 kB" lines).
Result<ProcessMemory> ParseProcessStatus(std::string_view text);

}  // namespace edgeloop
