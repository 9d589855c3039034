// Readings files: the sensor history edgeloop trains on and replays.
//
// Two layouts, told apart by the header:
//   wide  `time,asset,<signal>,<signal>...`  one row per (time, asset), one column per signal;
//         an empty field, `nan` or `NA` is a missing value (NaN).
//   long  `time,asset,signal,value`          one row per reading; every asset gets the union of
//         the signals seen in the file, NaN where it has no reading.
// Rows of different assets may be interleaved (historians export by time, then asset), but the
// timestamps of one asset must be strictly increasing (wide) or non-decreasing with each signal
// given once per timestamp (long). Reading is all or nothing: the first malformed line, duplicated
// or out-of-order timestamp stops it with InvalidArgument("<file>:<line>: <reason>") and no
// readings are returned. A file that cannot be read gives the FileSystem's NotFound / IoError.
//
// Writing always produces the canonical wide layout, ordered by time then asset, numbers in
// their shortest round-trip form (edgeloop::FormatDouble), NaN as an empty field, through the
// FileSystem's atomic write. Reading what was written gives back the same values bit for bit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/readings.h"
#include "base/status.h"

namespace edgeloop::io {

enum class ReadingsLayout { kWide, kLong };

struct ReadOptions {
  // Keep only these signals, in this order; empty keeps every signal, in header order (wide) or
  // in order of first appearance (long). Asking for a signal the file does not have is an error.
  std::vector<std::string> signals;
  // Keep only these assets; empty keeps every asset.
  std::vector<std::string> assets;
  // Keep rows with start_ms <= time < end_ms. Rows outside are still checked.
  std::optional<int64_t> start_ms;
  std::optional<int64_t> end_ms;
  char separator = ',';
};

// Reads a wide or long readings file. Returns one AssetReadings per kept asset that has at least
// one kept row, sorted by asset id; timestamps strictly increasing within each.
Result<std::vector<AssetReadings>> ReadReadingsCsv(const std::string& path, FileSystem& fs,
                                                   const ReadOptions& options = {});
// The same for text already in memory; `name` prefixes error messages.
Result<std::vector<AssetReadings>> ParseReadingsCsv(std::string name, std::string text,
                                                    const ReadOptions& options = {});

// The layout a header announces, or InvalidArgument naming what was expected.
Result<ReadingsLayout> DetectReadingsLayout(const std::vector<std::string>& header);

// The canonical wide text of `readings` (header with the union of all signals). InvalidArgument
// when an asset's timestamps are not strictly increasing, its columns do not match its
// signals, or an asset id appears twice.
Result<std::string> FormatReadingsCsv(const std::vector<AssetReadings>& readings);
// FormatReadingsCsv written atomically to `path`.
Status WriteReadingsCsv(const std::vector<AssetReadings>& readings, const std::string& path,
                        FileSystem& fs);

// Hex SHA-256 over a canonical byte form: assets sorted by id, each with its signal names
// (sorted), timestamps and the bit patterns of its values (every NaN hashed alike). Independent
// of file layout and column order; any changed reading changes it.
std::string ReadingsDigest(const std::vector<AssetReadings>& readings);

}  // namespace edgeloop::io
