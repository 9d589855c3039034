// Dataset: a record of imported data (readings, maintenance events or the asset list), stored as
// an artifact. Names are reused: importing "north-2026" again makes a new record, and lookups by
// name give the newest one. Times are UTC milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace edgeloop::registry {

enum class DatasetKind { kReadings, kEvents, kAssets };

std::string_view DatasetKindName(DatasetKind kind);  // "readings", "events", "assets"
Result<DatasetKind> ParseDatasetKind(std::string_view text);

struct Dataset {
  std::string id;    // "ds-3f2a9c0d1e2b"
  std::string name;  // [a-z0-9][a-z0-9._-]*
  DatasetKind kind = DatasetKind::kReadings;
  std::string digest;  // sha256 of the stored artifact
  int64_t rows = 0;
  int64_t assets = 0;               // distinct assets in the data
  std::optional<int64_t> start_ms;  // first timestamp, when the data has times
  std::optional<int64_t> end_ms;    // last timestamp
  std::string source_file;          // the file it was imported from
  int64_t created_ms = 0;
};

// What the importer supplies; the registry adds id and created time.
struct NewDataset {
  std::string name;
  DatasetKind kind = DatasetKind::kReadings;
  std::string digest;
  int64_t rows = 0;
  int64_t assets = 0;
  std::optional<int64_t> start_ms;
  std::optional<int64_t> end_ms;
  std::string source_file;
};

}  // namespace edgeloop::registry
