#include "sim/schedule.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>

#include "base/strings.h"
#include "base/time_format.h"
#include "sim/asset_life.h"

namespace edgeloop::sim {
namespace {

constexpr int64_t kDefaultLeadMs = 14 * kMillisPerDay;

std::string Expected(std::initializer_list<std::string_view> names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// Turns one YAML document into schedule entries. Every message carries file:line and the path
// of the key ("failures[2].mode").
class ScheduleParser {
 public:
  ScheduleParser(SimConfig* config, std::string_view file) : config_(*config), file_(file) {}

  Status Parse(const YAML::Node& root) {
    if (!root || root.IsNull()) return Status::Ok();
    if (!root.IsMap()) return Error(root, "schedule", "expected a mapping of sections");
    EL_RETURN_IF_ERROR(CheckKeys(
        root, "schedule",
        {"regimes", "sensor_faults", "failures", "random_failures", "random_sensor_faults"}));
    EL_RETURN_IF_ERROR(ForEachItem(root["regimes"], "regimes", &ScheduleParser::ParseRegime));
    EL_RETURN_IF_ERROR(
        ForEachItem(root["sensor_faults"], "sensor_faults", &ScheduleParser::ParseSensorFault));
    EL_RETURN_IF_ERROR(ForEachItem(root["failures"], "failures", &ScheduleParser::ParseFailure));
    if (root["random_failures"]) {
      EL_ASSIGN_OR_RETURN(config_.random_failures,
                          Bool(root["random_failures"], "random_failures"));
    }
    if (root["random_sensor_faults"]) {
      EL_ASSIGN_OR_RETURN(config_.random_sensor_faults,
                          Bool(root["random_sensor_faults"], "random_sensor_faults"));
    }
    return Status::Ok();
  }

 private:
  using ItemParser = Status (ScheduleParser::*)(const YAML::Node&, const std::string&);

  Status Error(const YAML::Node& node, const std::string& key, const std::string& message) const {
    const int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 1;
    return InvalidArgument(std::string(file_) + ":" + std::to_string(line) + ": " + key + ": " +
                           message);
  }

  Status CheckKeys(const YAML::Node& map, const std::string& where,
                   std::initializer_list<std::string_view> allowed) const {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return Error(it->first, where,
                     "unknown key '" + key + "' (expected " + Expected(allowed) + ")");
      }
    }
    return Status::Ok();
  }

  Status ForEachItem(const YAML::Node& list, const std::string& section, ItemParser parse) {
    if (!list || list.IsNull()) return Status::Ok();
    if (!list.IsSequence()) return Error(list, section, "expected a list");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string where = section + "[" + std::to_string(i) + "]";
      if (!list[i].IsMap()) return Error(list[i], where, "expected a mapping");
      EL_RETURN_IF_ERROR((this->*parse)(list[i], where));
    }
    return Status::Ok();
  }

  Result<std::string> Scalar(const YAML::Node& item, const std::string& where,
                             const char* key) const {
    const YAML::Node node = item[key];
    const std::string path = where + "." + key;
    if (!node) return Error(item, path, "missing");
    if (!node.IsScalar()) return Error(node, path, "expected a single value");
    return node.Scalar();
  }

  Result<double> Number(const YAML::Node& item, const std::string& where, const char* key) const {
    EL_ASSIGN_OR_RETURN(std::string text, Scalar(item, where, key));
    auto value = ParseDouble(text);
    if (!value.ok() || !std::isfinite(*value)) {
      return Error(item[key], where + "." + key, "'" + text + "' is not a number");
    }
    return *value;
  }

  Result<int64_t> Time(const YAML::Node& item, const std::string& where, const char* key) const {
    EL_ASSIGN_OR_RETURN(std::string text, Scalar(item, where, key));
    auto time = ParseScheduleTime(text, config_.start_ms);
    if (!time.ok()) return Error(item[key], where + "." + key, time.status().message());
    return *time;
  }

  Result<int64_t> Duration(const YAML::Node& item, const std::string& where,
                           const char* key) const {
    EL_ASSIGN_OR_RETURN(std::string text, Scalar(item, where, key));
    auto duration = ParseDuration(text);
    if (!duration.ok()) return Error(item[key], where + "." + key, duration.status().message());
    if (*duration <= 0) return Error(item[key], where + "." + key, "must be positive");
    return *duration;
  }

  Result<bool> Bool(const YAML::Node& node, const std::string& where) const {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
      return Error(node, where, "expected true or false");
    }
    return value;
  }

  Result<std::string> Asset(const YAML::Node& item, const std::string& where) const {
    EL_ASSIGN_OR_RETURN(std::string asset, Scalar(item, where, "asset"));
    EL_RETURN_IF_ERROR(CheckAsset(item["asset"], where + ".asset", asset));
    return asset;
  }

  Status CheckAsset(const YAML::Node& node, const std::string& where,
                    const std::string& asset) const {
    if (AssetIndex(asset, config_.assets) >= 0) return Status::Ok();
    return Error(
        node, where,
        "unknown asset '" + asset + "' (the fleet has P001.." + AssetId(config_.assets - 1) + ")");
  }

  // A scalar or a list of scalars.
  Result<std::vector<std::string>> Names(const YAML::Node& node, const std::string& where) const {
    std::vector<std::string> names;
    if (node.IsScalar()) {
      names.push_back(node.Scalar());
    } else if (node.IsSequence() && node.size() > 0) {
      for (const YAML::Node& n : node) {
        if (!n.IsScalar()) return Error(n, where, "expected a name");
        names.push_back(n.Scalar());
      }
    } else {
      return Error(node, where, "expected a name or a list of names");
    }
    return names;
  }

  Status ParseRegime(const YAML::Node& item, const std::string& where) {
    EL_RETURN_IF_ERROR(
        CheckKeys(item, where, {"at", "assets", "site", "load", "density", "fluid_temp"}));
    RegimeChange change;
    EL_ASSIGN_OR_RETURN(change.at_ms, Time(item, where, "at"));
    if (item["assets"] && item["site"]) {
      return Error(item["site"], where, "give either assets or site, not both");
    }
    if (item["assets"]) {
      EL_ASSIGN_OR_RETURN(std::vector<std::string> names, Names(item["assets"], where + ".assets"));
      if (!(names.size() == 1 && names[0] == "all" && item["assets"].IsScalar())) {
        for (const std::string& asset : names) {
          EL_RETURN_IF_ERROR(CheckAsset(item["assets"], where + ".assets", asset));
        }
        change.assets.kind = AssetSelector::Kind::kAssets;
        change.assets.names = std::move(names);
      }
    } else if (item["site"]) {
      EL_ASSIGN_OR_RETURN(std::vector<std::string> names, Names(item["site"], where + ".site"));
      for (const std::string& site : names) {
        if (std::find(config_.sites.begin(), config_.sites.end(), site) == config_.sites.end()) {
          return Error(item["site"], where + ".site",
                       "unknown site '" + site + "' (sites: " + Join(config_.sites, ", ") + ")");
        }
      }
      change.assets.kind = AssetSelector::Kind::kSites;
      change.assets.names = std::move(names);
    }
    if (!item["load"] && !item["density"] && !item["fluid_temp"]) {
      return Error(item, where, "needs at least one of load, density, fluid_temp");
    }
    struct Field {
      const char* key;
      std::optional<double>* value;
      double lo, hi;
    } fields[] = {{"load", &change.load, 0.2, 1.2},
                  {"density", &change.density, 0.5, 2.0},
                  {"fluid_temp", &change.fluid_temp_c, -20, 150}};
    for (const Field& f : fields) {
      if (!item[f.key]) continue;
      EL_ASSIGN_OR_RETURN(double value, Number(item, where, f.key));
      if (value < f.lo || value > f.hi) {
        return Error(item[f.key], where + "." + f.key,
                     FormatDouble(value) + " is outside [" + FormatDouble(f.lo) + ", " +
                         FormatDouble(f.hi) + "]");
      }
      *f.value = value;
    }
    config_.schedule.regimes.push_back(std::move(change));
    return Status::Ok();
  }

  Status ParseSensorFault(const YAML::Node& item, const std::string& where) {
    EL_RETURN_IF_ERROR(
        CheckKeys(item, where, {"asset", "signal", "kind", "start", "duration", "magnitude"}));
    SensorFault fault;
    EL_ASSIGN_OR_RETURN(fault.asset, Asset(item, where));
    EL_ASSIGN_OR_RETURN(std::string signal, Scalar(item, where, "signal"));
    if (!ParseSignal(signal, &fault.signal)) {
      return Error(
          item["signal"], where + ".signal",
          "unknown signal '" + signal + "' (expected one of " + Join(AllSignalNames(), ", ") + ")");
    }
    EL_ASSIGN_OR_RETURN(std::string kind, Scalar(item, where, "kind"));
    if (!ParseSensorFaultKind(kind, &fault.kind)) {
      return Error(item["kind"], where + ".kind",
                   "unknown kind '" + kind + "' (expected stuck, dropout, spikes or bias)");
    }
    EL_ASSIGN_OR_RETURN(fault.start_ms, Time(item, where, "start"));
    EL_ASSIGN_OR_RETURN(fault.duration_ms, Duration(item, where, "duration"));
    if (item["magnitude"]) {
      if (fault.kind != SensorFaultKind::kSpikes && fault.kind != SensorFaultKind::kBias) {
        return Error(item["magnitude"], where + ".magnitude",
                     "only spikes and bias faults take a magnitude");
      }
      EL_ASSIGN_OR_RETURN(fault.magnitude, Number(item, where, "magnitude"));
    }
    config_.schedule.sensor_faults.push_back(std::move(fault));
    return Status::Ok();
  }

  Status ParseFailure(const YAML::Node& item, const std::string& where) {
    EL_RETURN_IF_ERROR(CheckKeys(item, where, {"asset", "mode", "at", "lead"}));
    ScheduledFailure failure;
    EL_ASSIGN_OR_RETURN(failure.asset, Asset(item, where));
    EL_ASSIGN_OR_RETURN(std::string mode, Scalar(item, where, "mode"));
    if (!ParseFailureMode(mode, &failure.mode)) {
      return Error(item["mode"], where + ".mode",
                   "unknown failure mode '" + mode +
                       "' (expected bearing_wear, impeller_wear, seal_leak or cavitation)");
    }
    EL_ASSIGN_OR_RETURN(failure.failure_ms, Time(item, where, "at"));
    if (failure.failure_ms <= config_.start_ms) {
      return Error(item["at"], where + ".at", "the failure must come after the start");
    }
    failure.lead_ms = kDefaultLeadMs;
    if (item["lead"]) {
      EL_ASSIGN_OR_RETURN(failure.lead_ms, Duration(item, where, "lead"));
    }
    // Forced failures of one asset must not overlap; an AssetLife knows the rule.
    auto [life, added] =
        lives_.try_emplace(failure.asset, failure.asset, config_, Random(0), Random(0));
    if (added) {
      for (const ScheduledFailure& earlier : config_.schedule.failures) {
        if (earlier.asset != failure.asset) continue;
        (void)life->second.AddForcedFailure(earlier.mode, earlier.failure_ms, earlier.lead_ms);
      }
    }
    Status s = life->second.AddForcedFailure(failure.mode, failure.failure_ms, failure.lead_ms);
    if (!s.ok()) return Error(item["at"], where + ".at", s.message());
    config_.schedule.failures.push_back(std::move(failure));
    return Status::Ok();
  }

  SimConfig& config_;
  std::string_view file_;
  std::map<std::string, AssetLife> lives_;  // forced failures seen so far, per asset
};

}  // namespace

Result<int64_t> ParseScheduleTime(std::string_view text, int64_t start_ms) {
  const std::string_view t = Trim(text);
  const std::string lower = ToLower(t);
  if (StartsWith(lower, "day ")) {
    auto days = ParseDouble(Trim(std::string_view(lower).substr(4)));
    if (!days.ok() || !(*days >= 0) || !std::isfinite(*days)) {
      return InvalidArgument("'" + std::string(text) + "' is not a day offset (e.g. day 45)");
    }
    return start_ms + std::llround(*days * kMillisPerDay);
  }
  if (t.size() >= 10 && t[4] == '-') return ParseTimestamp(t);
  auto offset = ParseDuration(t);
  if (!offset.ok()) {
    return InvalidArgument("'" + std::string(text) +
                           "' is not a time (expected a timestamp like 2026-02-15T00:00:00Z or "
                           "an offset from the start like 45d or day 45)");
  }
  return start_ms + *offset;
}

Result<SimConfig> ApplySchedule(SimConfig config, std::string_view yaml_text,
                                std::string_view file_name) {
  Status status;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    status = ScheduleParser(&config, file_name).Parse(root);
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line >= 0 ? e.mark.line + 1 : 1;
    return InvalidArgument(std::string(file_name) + ":" + std::to_string(line) +
                           ": not valid YAML: " + e.msg);
  }
  EL_RETURN_IF_ERROR(status);
  EL_RETURN_IF_ERROR(ValidateSimConfig(config).WithContext(file_name));
  return config;
}

}  // namespace edgeloop::sim
