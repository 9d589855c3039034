// events.csv: maintenance records (see io/event.h), header `time,asset,kind,failure_mode`.
//
// kind is failure, repair, maintenance or inspection (case-insensitive); failure_mode may be empty
// except for failures, whose empty mode becomes "unknown". Reading is all or nothing: a malformed
// line stops it with InvalidArgument("<file>:<line>: <reason>"); a file that cannot be read gives
// the FileSystem's NotFound / IoError. Events come back sorted by (time, asset), keeping the file
// order of equal keys. Writing is atomic and uses the same order.
#pragma once

#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/status.h"
#include "io/event.h"

namespace edgeloop::io {

// The failure mode given to a failure recorded without one.
inline constexpr char kUnknownFailureMode[] = "unknown";

Result<std::vector<Event>> ReadEventsCsv(const std::string& path, FileSystem& fs);
Result<std::vector<Event>> ParseEventsCsv(std::string name, std::string text);

// Sorts by (time, asset), stable.
void SortEvents(std::vector<Event>* events);

// The canonical text of `events` (sorted); InvalidArgument for an empty asset id.
Result<std::string> FormatEventsCsv(const std::vector<Event>& events);
Status WriteEventsCsv(const std::vector<Event>& events, const std::string& path, FileSystem& fs);

// Hex SHA-256 over the sorted events (time, asset, kind, failure mode).
std::string EventsDigest(const std::vector<Event>& events);

}  // namespace edgeloop::io
