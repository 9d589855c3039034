// Reader for NASA C-MAPSS turbofan files (train_FD00x.txt / test_FD00x.txt / RUL_FD00x.txt).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_system.h"
#include "base/readings.h"
#include "base/status.h"

namespace edgeloop::io {

// The fixed epoch of C-MAPSS time: cycle c of every unit is at kCmapssEpochMs + c minutes, so
// time-based windowing can count cycles. 2000-01-01T00:00:00Z.
constexpr int64_t kCmapssEpochMs = 946684800000;
constexpr int64_t kCmapssCycleMs = 60 * 1000;

// The units (engines) of one C-MAPSS file, in file order. A plain value type.
struct CmapssUnits {
  std::vector<int> unit;               // unit number as written in the file
  std::vector<AssetReadings> readings; // per unit; asset = "unit-<n>", signals setting1..3, s1..s21
  std::vector<int> max_cycle;          // per unit, the last cycle in the file
};

// The 24 signal names after unit and cycle: setting1..setting3, s1..s21.
std::vector<std::string> CmapssSignalNames();

// Reads a space-separated, header-less file of 26 columns (unit, cycle, 3 settings, 21 sensors);
// repeated and trailing spaces are tolerated. Errors: the FileSystem's NotFound / IoError;
// InvalidArgument "<path>:<line>: <reason>" for a wrong column count, a non-number, a unit or
// cycle that is not a positive integer, a unit whose rows are not contiguous, or a cycle that is
// not after the previous cycle of its unit.
Result<CmapssUnits> ReadCmapssTxt(const std::string& path, FileSystem& fs);
Result<CmapssUnits> ParseCmapssTxt(std::string_view name, std::string_view text);

// Reads a RUL file: one non-negative integer per line, the true RUL at each test unit's last
// cycle. Errors as above.
Result<std::vector<int>> ReadCmapssRul(const std::string& path, FileSystem& fs);
Result<std::vector<int>> ParseCmapssRul(std::string_view name, std::string_view text);

}  // namespace edgeloop::io
