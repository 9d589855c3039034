// Waveforms: bursts of high-rate samples (raw vibration), see edgeloop::Waveform.
//
// waveforms.csv has the header `time,asset,signal,rate_hz,samples`, where time is the first
// sample's timestamp and samples is a space-separated list of floats. A one-column file (a header
// such as `accel_g`, then one float per line, as in the CWRU bearing data) holds one long
// waveform whose rate and start time the caller supplies.
//
// Reading is all or nothing: a malformed line (field count, bad time, a rate that is not a
// positive number, a sample that is not a finite float, no samples, the same time, asset and
// signal twice) stops it with InvalidArgument("<file>:<line>: <reason>"); a file that cannot be
// read gives the FileSystem's NotFound / IoError. Samples are parsed straight to float, and
// written in their shortest round-trip form, so writing then reading is bit-exact.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/readings.h"
#include "base/status.h"

namespace edgeloop::io {

// Sorted by (time, asset, signal).
Result<std::vector<Waveform>> ReadWaveformsCsv(const std::string& path, FileSystem& fs);
Result<std::vector<Waveform>> ParseWaveformsCsv(std::string name, std::string text);

Result<std::string> FormatWaveformsCsv(const std::vector<Waveform>& waveforms);
Status WriteWaveformsCsv(const std::vector<Waveform>& waveforms, const std::string& path,
                         FileSystem& fs);

struct SampleColumnOptions {
  std::string asset;
  std::string signal;  // empty: the column's header name
  double rate_hz = 0;  // must be positive
  int64_t start_ms = 0;
};

// Reads a one-column high-rate file into one waveform.
Result<Waveform> ReadSampleColumnCsv(const std::string& path, FileSystem& fs,
                                     const SampleColumnOptions& options);
Result<Waveform> ParseSampleColumnCsv(std::string name, std::string text,
                                      const SampleColumnOptions& options);

}  // namespace edgeloop::io
