// Reader for the Skoltech Anomaly Benchmark (SKAB) files: `;`-separated CSV with a `datetime`
// column, eight pump signals and, in labelled files, `anomaly` and `changepoint` columns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/file_system.h"
#include "base/readings.h"
#include "base/status.h"

namespace edgeloop::io {

// One SKAB file: its signals as one asset's readings and, when the file is labelled, one
// anomaly and one changepoint label (0 or 1) per row. A plain value type.
struct SkabFile {
  AssetReadings readings;        // asset = "<folder>/<stem>", e.g. "valve1/3"
  std::vector<int> anomaly;      // empty when the file has no label columns
  std::vector<int> changepoint;  // empty when the file has no label columns
  bool labelled = false;         // the header carries `anomaly` and `changepoint`
};

// A SKAB column name as a feature-spec signal name: spaces become '_' ("Volume Flow RateRMS" ->
// "Volume_Flow_RateRMS").
std::string SkabSignalName(std::string_view column);

// "<parent folder>/<file stem>" of a path: ".../valve1/3.csv" -> "valve1/3".
std::string SkabAssetName(std::string_view path);

// Reads a SKAB file through `fs`. Errors: the FileSystem's NotFound / IoError; InvalidArgument
// "<path>:<line>: <reason>" for a header that does not start with `datetime`, a row with the
// wrong number of fields, an unparsable timestamp or number, a timestamp that is not after the
// previous one, or a label that is NaN or not 0/1. Nothing is returned on error.
Result<SkabFile> ReadSkabCsv(const std::string& path, FileSystem& fs);

// The same on text already in memory; `name` prefixes error messages, `asset` names the readings.
Result<SkabFile> ParseSkabCsv(std::string_view name, std::string_view text, std::string asset);

}  // namespace edgeloop::io
