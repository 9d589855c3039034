#include "features/internal/spec_parser.h"

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <set>
#include <string>

#include "base/strings.h"
#include "base/time_format.h"

namespace edgeloop::features::internal {
namespace {

// Reads one document; every method returns InvalidArgument naming source:line and the key.
class SpecParser {
 public:
  explicit SpecParser(std::string_view source)
      : source_(source.empty() ? std::string("feature spec") : std::string(source)) {}

  Result<FeatureSpec> ParseRoot(const YAML::Node& root);

  std::string At(int zero_based_line) const {
    return zero_based_line >= 0 ? source_ + ":" + std::to_string(zero_based_line + 1) + ": "
                                : source_ + ": ";
  }

 private:
  Status Error(const YAML::Node& node, std::string_view key, const std::string& what) const {
    return InvalidArgument(At(node.Mark().line) + std::string(key) + ": " + what);
  }

  // `map` must be a map whose keys are unique scalars among `allowed`.
  Status CheckKeys(const YAML::Node& map, std::string_view where,
                   std::initializer_list<const char*> allowed) const;

  Result<int64_t> Duration(const YAML::Node& node, std::string_view key) const;
  Result<double> Number(const YAML::Node& node, std::string_view key) const;
  Result<bool> Bool(const YAML::Node& node, std::string_view key) const;
  Result<std::string> String(const YAML::Node& node, std::string_view key) const;
  Result<std::vector<std::string>> StringList(const YAML::Node& node, std::string_view key) const;
  Result<std::vector<WindowFunction>> Functions(const YAML::Node& node, std::string_view key) const;
  // [lo, hi]
  Status Pair(const YAML::Node& node, std::string_view key, double* lo, double* hi) const;

  Status ParseWindow(const YAML::Node& node, FeatureSpec* spec) const;
  Result<SignalSpec> ParseSignal(const YAML::Node& node, size_t index) const;
  Result<SpectralSignalSpec> ParseSpectral(const YAML::Node& node, size_t index) const;

  std::string source_;
};

std::string AllowedList(std::initializer_list<const char*> allowed) {
  std::vector<std::string> names(allowed.begin(), allowed.end());
  return Join(names, ", ");
}

Status SpecParser::CheckKeys(const YAML::Node& map, std::string_view where,
                             std::initializer_list<const char*> allowed) const {
  if (!map.IsMap()) return Error(map, where, "expected a map of keys " + AllowedList(allowed));
  std::set<std::string> seen;
  for (const auto& entry : map) {
    if (!entry.first.IsScalar()) return Error(entry.first, where, "keys must be plain names");
    const std::string& key = entry.first.Scalar();
    bool known = false;
    for (const char* name : allowed) known = known || key == name;
    if (!known) {
      return Error(entry.first, key,
                   "unknown key in " + std::string(where) + " (expected one of " +
                       AllowedList(allowed) + ")");
    }
    if (!seen.insert(key).second) return Error(entry.first, key, "key is given twice");
  }
  return Status::Ok();
}

Result<int64_t> SpecParser::Duration(const YAML::Node& node, std::string_view key) const {
  if (!node.IsScalar()) return Error(node, key, "expected a duration such as 10m, 6h or 7d");
  Result<int64_t> ms = ParseDuration(node.Scalar());
  if (!ms.ok()) return Error(node, key, ms.status().message());
  if (*ms <= 0)
    return Error(node, key, "expected a positive duration, got '" + node.Scalar() + "'");
  return *ms;
}

Result<double> SpecParser::Number(const YAML::Node& node, std::string_view key) const {
  double value = 0;
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, value)) {
    return Error(node, key, "expected a number");
  }
  return value;
}

Result<bool> SpecParser::Bool(const YAML::Node& node, std::string_view key) const {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    return Error(node, key, "expected true or false");
  }
  return value;
}

Result<std::string> SpecParser::String(const YAML::Node& node, std::string_view key) const {
  if (!node.IsScalar()) return Error(node, key, "expected a text value");
  return node.Scalar();
}

Result<std::vector<std::string>> SpecParser::StringList(const YAML::Node& node,
                                                        std::string_view key) const {
  if (node.IsNull()) return std::vector<std::string>{};
  if (!node.IsSequence()) return Error(node, key, "expected a list such as [a, b]");
  std::vector<std::string> out;
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) return Error(item, key, "expected a name in the list");
    out.push_back(item.Scalar());
  }
  return out;
}

Result<std::vector<WindowFunction>> SpecParser::Functions(const YAML::Node& node,
                                                          std::string_view key) const {
  EL_ASSIGN_OR_RETURN(std::vector<std::string> names, StringList(node, key));
  std::vector<WindowFunction> out;
  size_t i = 0;
  for (const YAML::Node& item : node) {
    WindowFunction function;
    if (!ParseWindowFunction(names[i], &function)) {
      return Error(item, key,
                   "unknown function '" + names[i] +
                       "' (expected mean, std, min, max, rms, p2p, skew, kurtosis, crest, "
                       "slope or last_minus_first)");
    }
    out.push_back(function);
    ++i;
  }
  return out;
}

Status SpecParser::Pair(const YAML::Node& node, std::string_view key, double* lo,
                        double* hi) const {
  if (!node.IsSequence() || node.size() != 2) return Error(node, key, "expected [low, high]");
  EL_ASSIGN_OR_RETURN(*lo, Number(node[0], key));
  EL_ASSIGN_OR_RETURN(*hi, Number(node[1], key));
  return Status::Ok();
}

Status SpecParser::ParseWindow(const YAML::Node& node, FeatureSpec* spec) const {
  EL_RETURN_IF_ERROR(CheckKeys(node, "window", {"length", "hop"}));
  if (!node["length"]) return Error(node, "window", "missing key 'length'");
  if (!node["hop"]) return Error(node, "window", "missing key 'hop'");
  EL_ASSIGN_OR_RETURN(spec->window_length_ms, Duration(node["length"], "window.length"));
  EL_ASSIGN_OR_RETURN(spec->hop_ms, Duration(node["hop"], "window.hop"));
  if (spec->hop_ms > spec->window_length_ms) {
    return Error(node["hop"], "window.hop",
                 "hop '" + node["hop"].Scalar() + "' is longer than the length '" +
                     node["length"].Scalar() + "'");
  }
  if (spec->window_length_ms % spec->hop_ms != 0) {
    return Error(node["length"], "window.length",
                 "length '" + node["length"].Scalar() + "' is not a multiple of the hop '" +
                     node["hop"].Scalar() + "'");
  }
  return Status::Ok();
}

Result<SignalSpec> SpecParser::ParseSignal(const YAML::Node& node, size_t index) const {
  std::string where = "signals[" + std::to_string(index) + "]";
  EL_RETURN_IF_ERROR(CheckKeys(node, where,
                               {"name", "unit", "range", "functions", "change", "lag",
                                "ewma_alpha", "health"}));
  SignalSpec s;
  s.line = node.Mark().line + 1;
  if (!node["name"]) return Error(node, where, "missing key 'name'");
  EL_ASSIGN_OR_RETURN(s.name, String(node["name"], where + ".name"));
  where = "signal '" + s.name + "'";
  if (node["unit"]) {
    EL_ASSIGN_OR_RETURN(s.unit, String(node["unit"], where + ": unit"));
  }
  if (node["range"]) {
    EL_RETURN_IF_ERROR(Pair(node["range"], where + ": range", &s.range_min, &s.range_max));
  }
  if (node["functions"]) {
    EL_ASSIGN_OR_RETURN(s.functions, Functions(node["functions"], where + ": functions"));
  }
  if (node["change"]) {
    EL_ASSIGN_OR_RETURN(std::vector<std::string> names,
                        StringList(node["change"], where + ": change"));
    for (const std::string& name : names) {
      ChangeKind kind;
      if (!ParseChangeKind(name, &kind)) {
        return Error(node["change"], where + ": change",
                     "unknown change '" + name + "' (expected delta or ewma)");
      }
      s.changes.push_back(kind);
    }
  }
  if (node["lag"]) {
    int lag = 0;
    if (!node["lag"].IsScalar() || !YAML::convert<int>::decode(node["lag"], lag) || lag < 1) {
      return Error(node["lag"], where + ": lag", "expected a whole number of windows >= 1");
    }
    s.lag = lag;
  }
  if (node["ewma_alpha"]) {
    EL_ASSIGN_OR_RETURN(s.ewma_alpha, Number(node["ewma_alpha"], where + ": ewma_alpha"));
  }
  if (node["health"]) {
    EL_ASSIGN_OR_RETURN(s.health, Bool(node["health"], where + ": health"));
  }
  return s;
}

Result<SpectralSignalSpec> SpecParser::ParseSpectral(const YAML::Node& node, size_t index) const {
  std::string where = "spectral[" + std::to_string(index) + "]";
  EL_RETURN_IF_ERROR(CheckKeys(node, where, {"name", "rate_hz", "bands", "dominant", "functions"}));
  SpectralSignalSpec s;
  s.line = node.Mark().line + 1;
  if (!node["name"]) return Error(node, where, "missing key 'name'");
  EL_ASSIGN_OR_RETURN(s.name, String(node["name"], where + ".name"));
  where = "spectral signal '" + s.name + "'";
  if (!node["rate_hz"]) return Error(node, where, "missing key 'rate_hz'");
  EL_ASSIGN_OR_RETURN(s.rate_hz, Number(node["rate_hz"], where + ": rate_hz"));
  if (node["bands"] && !node["bands"].IsNull()) {
    const YAML::Node& bands = node["bands"];
    if (!bands.IsSequence()) return Error(bands, where + ": bands", "expected [[lo, hi], ...]");
    for (const YAML::Node& band : bands) {
      SpectralBand b;
      EL_RETURN_IF_ERROR(Pair(band, where + ": bands", &b.lo_hz, &b.hi_hz));
      s.bands.push_back(b);
    }
  }
  if (node["dominant"]) {
    EL_ASSIGN_OR_RETURN(s.dominant, Bool(node["dominant"], where + ": dominant"));
  }
  if (node["functions"]) {
    EL_ASSIGN_OR_RETURN(s.functions, Functions(node["functions"], where + ": functions"));
  }
  return s;
}

Result<FeatureSpec> SpecParser::ParseRoot(const YAML::Node& root) {
  if (!root.IsDefined() || root.IsNull()) {
    return InvalidArgument(source_ +
                           ": the document is empty (expected keys window, period, signals)");
  }
  EL_RETURN_IF_ERROR(
      CheckKeys(root, "feature spec", {"window", "min_coverage", "period", "signals", "spectral"}));
  FeatureSpec spec;
  spec.source = source_;
  if (!root["window"]) return Error(root, "window", "missing (expected {length: 6h, hop: 1h})");
  EL_RETURN_IF_ERROR(ParseWindow(root["window"], &spec));
  if (!root["period"])
    return Error(root, "period", "missing (expected the sample period, e.g. 10m)");
  EL_ASSIGN_OR_RETURN(spec.period_ms, Duration(root["period"], "period"));
  if (root["min_coverage"]) {
    EL_ASSIGN_OR_RETURN(spec.min_coverage, Number(root["min_coverage"], "min_coverage"));
    if (!(spec.min_coverage >= 0 && spec.min_coverage <= 1)) {
      return Error(root["min_coverage"], "min_coverage", "expected a share in [0, 1]");
    }
  }
  for (const char* list : {"signals", "spectral"}) {
    const YAML::Node& items = root[list];
    if (items && !items.IsNull() && !items.IsSequence()) {
      return Error(items, list, "expected a list of signals ('- name: ...')");
    }
  }
  if (const YAML::Node& items = root["signals"]; items && items.IsSequence()) {
    for (size_t i = 0; i < items.size(); ++i) {
      EL_ASSIGN_OR_RETURN(SignalSpec s, ParseSignal(items[i], i));
      spec.signals.push_back(std::move(s));
    }
  }
  if (const YAML::Node& items = root["spectral"]; items && items.IsSequence()) {
    for (size_t i = 0; i < items.size(); ++i) {
      EL_ASSIGN_OR_RETURN(SpectralSignalSpec s, ParseSpectral(items[i], i));
      spec.spectral.push_back(std::move(s));
    }
  }
  if (spec.signals.empty() && spec.spectral.empty()) {
    const YAML::Node& items = root["signals"];
    return Error(items ? items : root, "signals", "the spec lists no signal");
  }
  return spec;
}

}  // namespace

Result<FeatureSpec> ParseFeatureSpecYaml(std::string_view yaml_text, std::string_view source) {
  SpecParser parser(source);
  try {
    YAML::Node root = YAML::Load(std::string(yaml_text));
    return parser.ParseRoot(root);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(parser.At(e.mark.line) + "not a valid feature spec: " + e.msg);
  } catch (const std::exception& e) {
    return InvalidArgument(parser.At(-1) + "not a valid feature spec: " + e.what());
  }
}

}  // namespace edgeloop::features::internal
