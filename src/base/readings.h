// Readings: timestamped sensor values, the raw material of every pipeline.
//
// AssetReadings is the readings of one asset as a table: strictly increasing timestamps and one
// column per signal (NaN marks a missing value). Waveform is a burst of high-rate samples of one
// signal (raw vibration), which has a start time and a sample rate instead of a timestamp per
// sample. Both are plain values; whoever fills them checks the ordering (see io/).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgeloop {

struct AssetReadings {
  std::string asset;
  std::vector<int64_t> time_ms;               // UTC milliseconds, strictly increasing
  std::vector<std::string> signals;           // column names
  std::vector<std::vector<double>> values;    // values[signal][row]; NaN = missing

  size_t rows() const { return time_ms.size(); }
  // Index of `signal` in `signals`, or -1.
  int SignalIndex(const std::string& signal) const {
    for (size_t i = 0; i < signals.size(); ++i) {
      if (signals[i] == signal) return static_cast<int>(i);
    }
    return -1;
  }
};

struct Waveform {
  std::string asset;
  std::string signal;
  int64_t start_ms = 0;
  double rate_hz = 0;
  std::vector<float> samples;
};

}  // namespace edgeloop
