#include "features/feature_spec.h"

#include <cmath>
#include <set>

#include "base/sha256.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "features/internal/spec_parser.h"

namespace edgeloop::features {
namespace {

struct FunctionName {
  WindowFunction function;
  std::string_view name;
};
constexpr FunctionName kFunctionNames[] = {
    {WindowFunction::kMean, "mean"},
    {WindowFunction::kStd, "std"},
    {WindowFunction::kMin, "min"},
    {WindowFunction::kMax, "max"},
    {WindowFunction::kRms, "rms"},
    {WindowFunction::kP2p, "p2p"},
    {WindowFunction::kSkew, "skew"},
    {WindowFunction::kKurtosis, "kurtosis"},
    {WindowFunction::kCrest, "crest"},
    {WindowFunction::kSlope, "slope"},
    {WindowFunction::kLastMinusFirst, "last_minus_first"},
};

// "<source>:<line>: " (or "<source>: " when the line is unknown).
std::string Where(std::string_view source, int line) {
  std::string where = source.empty() ? std::string("feature spec") : std::string(source);
  if (line > 0) where += ":" + std::to_string(line);
  return where + ": ";
}

constexpr int kMaxDeltaLag = 100'000;

bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// The largest unit that divides the duration exactly, so ParseDuration reads it back.
std::string CanonicalDuration(int64_t ms) {
  const struct {
    int64_t size;
    const char* unit;
  } units[] = {{7 * kMillisPerDay, "w"},
               {kMillisPerDay, "d"},
               {kMillisPerHour, "h"},
               {kMillisPerMinute, "m"},
               {kMillisPerSecond, "s"}};
  for (const auto& u : units) {
    if (ms != 0 && ms % u.size == 0) return std::to_string(ms / u.size) + u.unit;
  }
  return std::to_string(ms) + "ms";
}

std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string FunctionList(const std::vector<WindowFunction>& functions) {
  std::vector<std::string> names;
  for (WindowFunction f : functions) names.emplace_back(WindowFunctionName(f));
  return "[" + Join(names, ", ") + "]";
}

std::string BandName(const SpectralBand& band) {
  return "band_" + FormatDouble(band.lo_hz) + "_" + FormatDouble(band.hi_hz);
}

template <typename T>
bool HasDuplicates(const std::vector<T>& items) {
  std::set<T> seen(items.begin(), items.end());
  return seen.size() != items.size();
}

Status ValidateSignal(const SignalSpec& s, std::string_view source) {
  std::string at = Where(source, s.line) + "signal '" + s.name + "': ";
  if (s.functions.empty() && !s.health) {
    return InvalidArgument(at + "functions: empty and health is off, so it gives no feature");
  }
  if (HasDuplicates(s.functions))
    return InvalidArgument(at + "functions: a function is listed twice");
  if (HasDuplicates(s.changes)) return InvalidArgument(at + "change: a change is listed twice");
  for (char c : s.unit) {
    if (static_cast<unsigned char>(c) < 0x20) {
      return InvalidArgument(at + "unit: control characters are not allowed");
    }
  }
  if (s.has_range()) {
    if (!std::isfinite(s.range_min) || !std::isfinite(s.range_max) ||
        !(s.range_min < s.range_max)) {
      return InvalidArgument(at + "range: expected [min, max] with finite min < max, got [" +
                             FormatDouble(s.range_min) + ", " + FormatDouble(s.range_max) + "]");
    }
  }
  if (s.lag < 1 || s.lag > kMaxDeltaLag) {
    return InvalidArgument(at + "lag: expected a whole number of windows in 1.." +
                           std::to_string(kMaxDeltaLag) + ", got " + std::to_string(s.lag));
  }
  for (ChangeKind c : s.changes) {
    if (c == ChangeKind::kEwma && !(s.ewma_alpha > 0 && s.ewma_alpha <= 1)) {
      return InvalidArgument(at + "ewma_alpha: expected a number in (0, 1], got " +
                             FormatDouble(s.ewma_alpha));
    }
  }
  return Status::Ok();
}

Status ValidateSpectral(const SpectralSignalSpec& s, std::string_view source) {
  std::string at = Where(source, s.line) + "spectral signal '" + s.name + "': ";
  if (!(s.rate_hz > 0) || !std::isfinite(s.rate_hz)) {
    return InvalidArgument(at + "rate_hz: expected a positive sample rate, got " +
                           FormatDouble(s.rate_hz));
  }
  if (s.bands.empty() && !s.dominant && s.functions.empty()) {
    return InvalidArgument(
        at + "bands: empty, dominant is off and no functions, so it gives no feature");
  }
  if (HasDuplicates(s.functions))
    return InvalidArgument(at + "functions: a function is listed twice");
  std::set<std::string> band_names;
  double nyquist = s.rate_hz / 2;
  for (const SpectralBand& b : s.bands) {
    if (!(b.lo_hz >= 0 && b.lo_hz < b.hi_hz && b.hi_hz <= nyquist)) {
      return InvalidArgument(at + "bands: expected 0 <= lo < hi <= " + FormatDouble(nyquist) +
                             " Hz (Nyquist), got [" + FormatDouble(b.lo_hz) + ", " +
                             FormatDouble(b.hi_hz) + "]");
    }
    if (!band_names.insert(BandName(b)).second) {
      return InvalidArgument(at + "bands: [" + FormatDouble(b.lo_hz) + ", " +
                             FormatDouble(b.hi_hz) + "] is listed twice");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string_view WindowFunctionName(WindowFunction function) {
  for (const auto& f : kFunctionNames) {
    if (f.function == function) return f.name;
  }
  return "unknown";
}

bool ParseWindowFunction(std::string_view name, WindowFunction* function) {
  for (const auto& f : kFunctionNames) {
    if (f.name == name) {
      *function = f.function;
      return true;
    }
  }
  return false;
}

std::string_view ChangeKindName(ChangeKind kind) {
  return kind == ChangeKind::kDelta ? "delta" : "ewma";
}

bool ParseChangeKind(std::string_view name, ChangeKind* kind) {
  if (name == "delta")
    *kind = ChangeKind::kDelta;
  else if (name == "ewma")
    *kind = ChangeKind::kEwma;
  else
    return false;
  return true;
}

Result<FeatureSpec> FeatureSpec::Parse(std::string_view yaml_text, std::string_view source) {
  EL_ASSIGN_OR_RETURN(FeatureSpec spec, internal::ParseFeatureSpecYaml(yaml_text, source));
  EL_RETURN_IF_ERROR(spec.Validate());
  return spec;
}

Result<FeatureSpec> FeatureSpec::Load(FileSystem& file_system, const std::string& path) {
  EL_ASSIGN_OR_RETURN(std::string text, file_system.ReadFile(path));
  return Parse(text, path);
}

Status FeatureSpec::Validate() const {
  std::string at = Where(source, 0);
  if (window_length_ms <= 0 || hop_ms <= 0) {
    return InvalidArgument(at + "window: length and hop must be positive durations");
  }
  if (hop_ms > window_length_ms) {
    return InvalidArgument(at + "window: hop " + CanonicalDuration(hop_ms) +
                           " is longer than the length " + CanonicalDuration(window_length_ms));
  }
  if (window_length_ms % hop_ms != 0) {
    return InvalidArgument(at + "window: length " + CanonicalDuration(window_length_ms) +
                           " is not a multiple of the hop " + CanonicalDuration(hop_ms));
  }
  if (period_ms <= 0) return InvalidArgument(at + "period: must be a positive duration");
  if (!(min_coverage >= 0 && min_coverage <= 1)) {
    return InvalidArgument(at + "min_coverage: expected a share in [0, 1], got " +
                           FormatDouble(min_coverage));
  }
  if (signals.empty() && spectral.empty()) {
    return InvalidArgument(at + "signals: the spec lists no signal");
  }
  std::set<std::string> names;
  auto check_name = [&](const std::string& name, int line) -> Status {
    if (!IsValidName(name)) {
      return InvalidArgument(Where(source, line) + "name: '" + name +
                             "' is not a signal name (letters, digits, '_', '-', '.')");
    }
    if (!names.insert(name).second) {
      return InvalidArgument(Where(source, line) + "name: signal '" + name + "' is listed twice");
    }
    return Status::Ok();
  };
  for (const SignalSpec& s : signals) {
    EL_RETURN_IF_ERROR(check_name(s.name, s.line));
    EL_RETURN_IF_ERROR(ValidateSignal(s, source));
  }
  for (const SpectralSignalSpec& s : spectral) {
    EL_RETURN_IF_ERROR(check_name(s.name, s.line));
    EL_RETURN_IF_ERROR(ValidateSpectral(s, source));
  }
  return Status::Ok();
}

std::vector<std::string> FeatureSpec::Columns() const {
  std::vector<std::string> columns;
  for (const SignalSpec& s : signals) {
    for (WindowFunction f : s.functions) {
      std::string base = s.name + "__" + std::string(WindowFunctionName(f));
      columns.push_back(base);
      for (ChangeKind c : s.changes)
        columns.push_back(base + "__" + std::string(ChangeKindName(c)));
    }
    if (s.health) {
      columns.push_back(s.name + "__missing");
      columns.push_back(s.name + "__stuck");
      columns.push_back(s.name + "__out_of_range");
    }
  }
  for (const SpectralSignalSpec& s : spectral) {
    for (const SpectralBand& b : s.bands) columns.push_back(s.name + "__" + BandName(b));
    if (s.dominant) columns.push_back(s.name + "__dominant_hz");
    for (WindowFunction f : s.functions) {
      columns.push_back(s.name + "__" + std::string(WindowFunctionName(f)));
    }
  }
  return columns;
}

std::string FeatureSpec::ToYaml() const {
  std::string out;
  out += "window: {length: " + CanonicalDuration(window_length_ms) +
         ", hop: " + CanonicalDuration(hop_ms) + "}\n";
  out += "min_coverage: " + FormatDouble(min_coverage) + "\n";
  out += "period: " + CanonicalDuration(period_ms) + "\n";
  out += signals.empty() ? "signals: []\n" : "signals:\n";
  for (const SignalSpec& s : signals) {
    out += "  - name: " + Quoted(s.name) + "\n";
    out += "    unit: " + Quoted(s.unit) + "\n";
    if (s.has_range()) {
      out += "    range: [" + FormatDouble(s.range_min) + ", " + FormatDouble(s.range_max) + "]\n";
    }
    out += "    functions: " + FunctionList(s.functions) + "\n";
    std::vector<std::string> changes;
    bool ewma = false;
    for (ChangeKind c : s.changes) {
      changes.emplace_back(ChangeKindName(c));
      ewma = ewma || c == ChangeKind::kEwma;
    }
    out += "    change: [" + Join(changes, ", ") + "]\n";
    if (s.lag != 1) out += "    lag: " + std::to_string(s.lag) + "\n";
    if (ewma) out += "    ewma_alpha: " + FormatDouble(s.ewma_alpha) + "\n";
    out += std::string("    health: ") + (s.health ? "true" : "false") + "\n";
  }
  if (!spectral.empty()) out += "spectral:\n";
  for (const SpectralSignalSpec& s : spectral) {
    out += "  - name: " + Quoted(s.name) + "\n";
    out += "    rate_hz: " + FormatDouble(s.rate_hz) + "\n";
    std::vector<std::string> bands;
    for (const SpectralBand& b : s.bands) {
      bands.push_back("[" + FormatDouble(b.lo_hz) + ", " + FormatDouble(b.hi_hz) + "]");
    }
    out += "    bands: [" + Join(bands, ", ") + "]\n";
    out += std::string("    dominant: ") + (s.dominant ? "true" : "false") + "\n";
    out += "    functions: " + FunctionList(s.functions) + "\n";
  }
  return out;
}

std::string FeatureSpec::Digest() const { return Sha256Hex(ToYaml()); }

Status FeatureSpec::ValidateAgainst(const std::vector<std::string>& available_signals,
                                    std::string_view spec_file) const {
  std::set<std::string> available(available_signals.begin(), available_signals.end());
  for (const SignalSpec& s : signals) {
    if (available.count(s.name) == 0) {
      return InvalidArgument(
          Where(spec_file, s.line) + "signal '" + s.name +
          "' is not in the readings (available: " + Join(available_signals, ", ") + ")");
    }
  }
  return Status::Ok();
}

}  // namespace edgeloop::features
