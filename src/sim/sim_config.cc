#include "sim/sim_config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "base/strings.h"
#include "base/time_format.h"
#include "sim/asset_life.h"

namespace edgeloop::sim {
namespace {

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

Status CheckFraction(const char* what, const std::optional<double>& value, double lo, double hi) {
  if (value && !(*value >= lo && *value <= hi)) {
    return InvalidArgument(std::string("regime change: ") + what + " " + FormatDouble(*value) +
                           " is outside [" + FormatDouble(lo) + ", " + FormatDouble(hi) + "]");
  }
  return Status::Ok();
}

Status CheckAsset(const SimConfig& config, const std::string& asset, const char* what) {
  if (AssetIndex(asset, config.assets) < 0) {
    return NotFound(std::string(what) + ": unknown asset '" + asset + "' (the fleet has P001.." +
                    AssetId(config.assets - 1) + ")");
  }
  return Status::Ok();
}

}  // namespace

bool AssetSelector::Matches(const std::string& asset, const std::string& site) const {
  switch (kind) {
    case Kind::kAll:
      return true;
    case Kind::kAssets:
      return Contains(names, asset);
    case Kind::kSites:
      return Contains(names, site);
  }
  return false;
}

int64_t SimConfig::steps() const {
  if (period_ms <= 0 || days <= 0) return 0;
  return static_cast<int64_t>(days) * kMillisPerDay / period_ms;
}

std::string AssetId(int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "P%03d", index + 1);
  return buf;
}

int AssetIndex(const std::string& asset, int assets) {
  if (asset.size() < 4 || asset[0] != 'P') return -1;
  auto number = ParseInt(std::string_view(asset).substr(1));
  if (!number.ok() || *number < 1 || *number > assets) return -1;
  const int index = static_cast<int>(*number - 1);
  return AssetId(index) == asset ? index : -1;  // rejects "P01", "P+01"
}

const std::string& SiteOf(const SimConfig& config, int index) {
  return config.sites[static_cast<size_t>(index) % config.sites.size()];
}

Status ValidateRegimeChange(const SimConfig& c, const RegimeChange& r) {
  EL_RETURN_IF_ERROR(CheckFraction("load", r.load, 0.2, 1.2));
  EL_RETURN_IF_ERROR(CheckFraction("density", r.density, 0.5, 2.0));
  EL_RETURN_IF_ERROR(CheckFraction("fluid_temp", r.fluid_temp_c, -20, 150));
  for (const std::string& name : r.assets.names) {
    if (r.assets.kind == AssetSelector::Kind::kAssets) {
      EL_RETURN_IF_ERROR(CheckAsset(c, name, "regime change"));
    } else if (!Contains(c.sites, name)) {
      return NotFound("regime change: unknown site '" + name + "' (sites: " + Join(c.sites, ", ") +
                      ")");
    }
  }
  return Status::Ok();
}

Status ValidateSimConfig(const SimConfig& c) {
  if (c.assets < 1 || c.assets > 100000) {
    return InvalidArgument("assets " + std::to_string(c.assets) + " is outside [1, 100000]");
  }
  if (c.days < 1 || c.days > 36500) {
    return InvalidArgument("days " + std::to_string(c.days) + " is outside [1, 36500]");
  }
  if (c.period_ms < kMillisPerSecond || c.period_ms > kMillisPerDay) {
    return InvalidArgument("period " + FormatDuration(c.period_ms) + " is outside [1s, 1d]");
  }
  if (c.sites.empty()) return InvalidArgument("sites: at least one site is needed");
  for (size_t i = 0; i < c.sites.size(); ++i) {
    const std::string& s = c.sites[i];
    if (s.empty() || s.find_first_of(",;=\"\n") != std::string::npos) {
      return InvalidArgument("site '" + s + "': names must be non-empty without , ; = or quotes");
    }
    if (std::find(c.sites.begin(), c.sites.begin() + static_cast<std::ptrdiff_t>(i), s) !=
        c.sites.begin() + static_cast<std::ptrdiff_t>(i)) {
      return InvalidArgument("site '" + s + "' is listed twice");
    }
  }
  if (!(c.failure_rate_per_year >= 0 && c.failure_rate_per_year <= 365)) {
    return InvalidArgument("failure_rate_per_year must be in [0, 365]");
  }
  if (!(c.sensor_fault_rate >= 0 && c.sensor_fault_rate <= 365)) {
    return InvalidArgument("sensor_fault_rate must be in [0, 365] per asset and year");
  }
  if (!(c.maintenance_min_days >= 1 && c.maintenance_max_days >= c.maintenance_min_days)) {
    return InvalidArgument("maintenance interval needs 1 <= min days <= max days");
  }
  if (c.raw.rate_hz < 0 || c.raw.rate_hz > 200000 || std::isnan(c.raw.rate_hz)) {
    return InvalidArgument("raw waveform rate must be in [0, 200 kHz]");
  }
  if (c.raw.rate_hz > 0) {
    if (c.raw.every_ms < c.period_ms) {
      return InvalidArgument("raw waveforms every " + FormatDuration(c.raw.every_ms) +
                             " is shorter than the period " + FormatDuration(c.period_ms));
    }
    if (!(c.raw.seconds > 0 && c.raw.seconds <= 60)) {
      return InvalidArgument("raw waveform length must be in (0, 60] seconds");
    }
  }
  for (const RegimeChange& r : c.schedule.regimes) EL_RETURN_IF_ERROR(ValidateRegimeChange(c, r));
  for (const SensorFault& f : c.schedule.sensor_faults) {
    EL_RETURN_IF_ERROR(CheckAsset(c, f.asset, "sensor fault"));
    if (f.duration_ms <= 0) {
      return InvalidArgument("sensor fault on " + f.asset + ": duration must be positive");
    }
  }
  // Forced failures of one asset must not overlap: let an AssetLife judge them.
  std::map<std::string, AssetLife> lives;
  for (const ScheduledFailure& f : c.schedule.failures) {
    EL_RETURN_IF_ERROR(CheckAsset(c, f.asset, "failure"));
    if (f.failure_ms <= c.start_ms) {
      return InvalidArgument("failure of " + f.asset + " at " + FormatTimestamp(f.failure_ms) +
                             " is not after the start " + FormatTimestamp(c.start_ms));
    }
    auto [life, added] = lives.try_emplace(f.asset, f.asset, c, Random(0), Random(0));
    EL_RETURN_IF_ERROR(life->second.AddForcedFailure(f.mode, f.failure_ms, f.lead_ms));
  }
  return Status::Ok();
}

}  // namespace edgeloop::sim
