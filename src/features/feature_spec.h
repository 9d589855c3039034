// FeatureSpec: the declarative list of window features, one spec and one hash for edge and
// training.
//
// A spec names the window (length, hop), the coverage a window needs, the process-rate signals
// with their window functions, changes against earlier windows and health flags, and the
// high-rate waveform signals with their spectral bands. It is parsed from YAML (see README.md),
// serialised back to a canonical YAML text (ToYaml) and hashed over that text (Digest), so the
// digest ignores formatting, comments and key order but changes with any real change.
//
// Column names, in spec order, per signal: `<s>__<f>` for each function f, each followed by
// `<s>__<f>__delta` / `<s>__<f>__ewma` for the changes; then `<s>__missing`, `<s>__stuck`,
// `<s>__out_of_range` when health is on. Per spectral signal: `<s>__band_<lo>_<hi>` per band,
// `<s>__dominant_hz`, then `<s>__<f>` for the burst's time-domain functions.
//
// A plain value: copyable, not synchronised. Parse/Load/Validate return InvalidArgument with
// "<file>:<line>: <key>: <what was expected>"; Load also returns the FileSystem's errors.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_system.h"
#include "base/status.h"

namespace edgeloop::features {

enum class WindowFunction {
  kMean,  // arithmetic mean
  kStd,   // population standard deviation
  kMin,
  kMax,
  kRms,             // sqrt(mean of squares)
  kP2p,             // max - min
  kSkew,            // m3 / m2^1.5 (NaN when m2 == 0 or fewer than 2 samples)
  kKurtosis,        // m4 / m2^2, not excess (same NaN rule)
  kCrest,           // max|x| / rms
  kSlope,           // least-squares slope per hour against time
  kLastMinusFirst,  // last valid value minus the first
};

enum class ChangeKind {
  kDelta,  // this window's value minus the value `lag` windows earlier (NaN before that many)
  kEwma,   // exponentially weighted moving average over windows
};

std::string_view WindowFunctionName(WindowFunction function);
bool ParseWindowFunction(std::string_view name, WindowFunction* function);
std::string_view ChangeKindName(ChangeKind kind);
bool ParseChangeKind(std::string_view name, ChangeKind* kind);

// A process-rate signal (one column of AssetReadings).
struct SignalSpec {
  std::string name;
  std::string unit;
  double range_min = -std::numeric_limits<double>::infinity();  // valid range, inclusive
  double range_max = std::numeric_limits<double>::infinity();
  std::vector<WindowFunction> functions;
  std::vector<ChangeKind> changes;
  int lag = 1;  // windows between the two values of a delta (key `lag`, written only when not 1)
  double ewma_alpha = 0.3;
  bool health = false;
  int line = 0;  // 1-based line of the entry in the spec file; 0 when built in code

  bool has_range() const {
    return range_min != -std::numeric_limits<double>::infinity() ||
           range_max != std::numeric_limits<double>::infinity();
  }
};

struct SpectralBand {
  double lo_hz = 0;  // a bin at frequency f belongs to the band when lo <= f < hi
  double hi_hz = 0;  // (the Nyquist bin belongs to a band whose hi is the Nyquist frequency)
};

// A high-rate waveform signal, delivered as Waveform bursts.
struct SpectralSignalSpec {
  std::string name;
  double rate_hz = 0;
  std::vector<SpectralBand> bands;
  bool dominant = false;
  std::vector<WindowFunction> functions;  // time-domain features of each burst
  int line = 0;
};

struct FeatureSpec {
  int64_t window_length_ms = 0;
  int64_t hop_ms = 0;
  int64_t period_ms = 0;      // expected sample period of process-rate signals
  double min_coverage = 0.5;  // share of expected samples a window needs for its features
  std::vector<SignalSpec> signals;
  std::vector<SpectralSignalSpec> spectral;
  std::string source;  // file name for messages ("" when built in code)

  // Parses YAML text; `source` names it in error messages ("train.yaml").
  static Result<FeatureSpec> Parse(std::string_view yaml_text, std::string_view source);
  static Result<FeatureSpec> Load(FileSystem& file_system, const std::string& path);

  // The semantic checks Parse applies, for specs built in code: positive durations, hop <= length
  // and dividing it, non-empty signal list, unique names, ranges, bands below Nyquist, ...
  Status Validate() const;

  std::vector<std::string> Columns() const;
  // Canonical text: fixed key order and number format; parses back to the same Digest().
  std::string ToYaml() const;
  // Lowercase hex SHA-256 of ToYaml().
  std::string Digest() const;

  // Checks that every process-rate signal is among `available_signals`; the error names
  // `spec_file`, the signal's line and the available names. Spectral signals arrive as
  // waveforms and are not checked here.
  Status ValidateAgainst(const std::vector<std::string>& available_signals,
                         std::string_view spec_file) const;
};

}  // namespace edgeloop::features
