// WindowExtractor: turns the readings of ONE asset into feature rows, as they arrive (edge) or all
// at once (training) — the same code either way, so both give bit-identical rows.
//
// Windows are aligned to multiples of the hop since the Unix epoch; the window ending at E covers
// (E - length, E]. Time is cut into hop-sized blocks; each block's sufficient statistics are
// computed once when time passes its end, and each window merges its length/hop blocks. The first
// window emitted is the one ending at the first multiple of the hop at or after the first reading
// (or burst); a window is emitted when a reading arrives after its end or Flush passes its end.
// Windows without readings are emitted too, with NaN features and a missing share of 1.
// Coverage, missing, stuck and out-of-range follow FeatureSpec (see README.md).
//
// Waveform bursts belong to the block their start time falls in; a window averages the burst
// features of all bursts that started in it. Bursts do not move time forward.
//
// Owns a copy of the spec. Not thread-safe. Errors are InvalidArgument and change nothing:
// a non-increasing timestamp, a reading or burst in a window that is already closed, an unknown
// waveform signal, a burst of the wrong rate or too short for a spectrum, a jump of more than
// kMaxWindowsPerCall windows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/readings.h"
#include "base/status.h"
#include "features/feature_spec.h"
#include "features/feature_table.h"

namespace edgeloop::features {

struct FeatureRow {
  int64_t window_end_ms = 0;
  std::vector<double> values;  // one per FeatureSpec::Columns()
};

class WindowExtractor {
 public:
  // More windows than this closed by one call is taken for a broken timestamp.
  static constexpr int64_t kMaxWindowsPerCall = 10'000'000;

  // `input_columns` names the values of each pushed row; every process-rate signal of the spec
  // must be among them (others are ignored). InvalidArgument names the spec line otherwise.
  static Result<WindowExtractor> Create(const FeatureSpec& spec, std::string asset,
                                        const std::vector<std::string>& input_columns);
  ~WindowExtractor();
  WindowExtractor(WindowExtractor&&) noexcept;
  WindowExtractor& operator=(WindowExtractor&&) noexcept;

  // One row: `values` holds input_columns.size() values (NaN = missing); time strictly increases.
  Status Push(int64_t time_ms, const double* values);
  // Many rows at once, column-major: columns[c][i] is input column c at time_ms[i]. Same result
  // as pushing the rows one by one, without copying whole blocks.
  Status PushColumns(const int64_t* time_ms, const double* const* columns, size_t rows);
  // A burst of a spectral signal of the spec (its asset, when set, must be this one).
  Status PushWaveform(const Waveform& waveform);
  // Closes every window ending at or before `up_to_ms`; readings at or before the end of a closed
  // window are refused afterwards.
  Status Flush(int64_t up_to_ms);

  // The rows completed so far, oldest first; they are handed over once.
  std::vector<FeatureRow> TakeRows();
  // Appends the completed rows to `table` (whose columns must be columns()).
  void TakeRowsInto(FeatureTable* table);

  const std::string& asset() const;
  const std::vector<std::string>& columns() const;
  // End of the last closed window; INT64_MIN before the first reading.
  int64_t closed_through_ms() const;

 private:
  struct State;
  explicit WindowExtractor(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The end of the hop-aligned block containing `time_ms`: the smallest multiple of `hop_ms` >= it.
int64_t BlockEndFor(int64_t time_ms, int64_t hop_ms);

// Batch extraction through WindowExtractor: every window ending at or before the last reading
// (or burst) of the asset. Waveforms of other assets or of signals the spec does not list are
// ignored. InvalidArgument for malformed readings (ragged columns, unordered timestamps).
Result<FeatureTable> ExtractFeatures(const FeatureSpec& spec, const AssetReadings& readings,
                                     const std::vector<Waveform>& waveforms = {});
// Many assets: rows grouped by asset (in the given order), then by time.
Result<FeatureTable> ExtractFeatures(const FeatureSpec& spec,
                                     const std::vector<AssetReadings>& readings,
                                     const std::vector<Waveform>& waveforms = {});

}  // namespace edgeloop::features
