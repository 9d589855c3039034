// Schedules: planned regime changes, sensor faults and failures for a simulated fleet, in YAML.
//
//   regimes:                  # operating-regime changes (drift, not faults)
//     - at: 45d               # a timestamp, or an offset from the start: 45d, "day 45", 12h
//       assets: all           # all | [P001, P002]; or `site: north` / `site: [north, east]`
//       load: 0.8             # speed set-point, fraction of nominal   (at least one of these)
//       density: 1.05         # fluid density relative to water
//       fluid_temp: 60        # degC
//   sensor_faults:
//     - asset: P003
//       signal: bearing_temp  # one of the ten signal names
//       kind: stuck           # stuck | dropout | spikes | bias
//       start: 30d
//       duration: 3d
//       magnitude: 5          # spikes: size; bias: drift per day (signal units); optional
//   failures:                 # forced failures, on top of (or instead of) random ones
//     - asset: P004
//       mode: bearing_wear    # bearing_wear | impeller_wear | seal_leak | cavitation
//       at: 60d
//       lead: 14d             # the degradation starts this long before (default 14d)
//   random_failures: true
//   random_sensor_faults: true
//
// Errors (unknown keys, assets, sites, signals, kinds and modes, bad values, overlapping forced
// failures, YAML syntax) are InvalidArgument and name the file, the line and the key:
// "fleet.yaml:7: sensor_faults[0].signal: unknown signal 'bearing_tmp' ...".
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "sim/sim_config.h"

namespace edgeloop::sim {

// Adds the schedule in `yaml_text` to `config.schedule` (and sets the random_* switches it
// names), checking it against the fleet `config` describes. `file_name` is used in messages.
Result<SimConfig> ApplySchedule(SimConfig config, std::string_view yaml_text,
                                std::string_view file_name);

// A schedule time: a timestamp ("2026-02-15T00:00:00Z") or an offset from `start_ms`
// ("45d", "day 45", "36h", "1.5d").
Result<int64_t> ParseScheduleTime(std::string_view text, int64_t start_ms);

}  // namespace edgeloop::sim
