// Random readings for the features tests: irregular timestamps (some on hop boundaries), missing
// values, a gap, a stuck stretch and out-of-range spikes, all drawn from a seeded Random.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/readings.h"

namespace edgeloop::features::internal {

struct RandomReadingsOptions {
  std::string asset = "P001";
  int64_t start_ms = 1767225600000;  // 2026-01-01T00:00:00Z
  size_t rows = 3000;
  int64_t period_ms = 10'000;
  std::vector<std::string> signals = {"bearing_temp", "flow", "pressure"};
  double missing_share = 0.05;
  bool gap = true;     // 45 minutes without readings a third of the way in
  bool stuck = true;   // the second signal holds one value for 400 rows
  bool spikes = true;  // 1 % of values far out of range
};

inline AssetReadings RandomReadings(const RandomReadingsOptions& options, Random& random) {
  AssetReadings r;
  r.asset = options.asset;
  r.signals = options.signals;
  r.values.resize(options.signals.size());
  // Times stay on a half-period grid, so a fair share of samples sits exactly on a block end.
  const int64_t step = options.period_ms / 2;
  int64_t t = options.start_ms + step * random.UniformInt(0, 1);
  std::vector<double> level(options.signals.size());
  for (size_t s = 0; s < level.size(); ++s) level[s] = 20.0 + 30.0 * static_cast<double>(s);
  for (size_t i = 0; i < options.rows; ++i) {
    if (options.gap && i == options.rows / 3) t += 45 * 60'000;
    // Mostly regular, sometimes irregular.
    t += random.Bernoulli(0.7) ? options.period_ms : step * random.UniformInt(1, 4);
    r.time_ms.push_back(t);
    for (size_t s = 0; s < level.size(); ++s) {
      level[s] += random.Normal(0, 0.2);
      double v = level[s] + random.Normal(0, 1.0 + static_cast<double>(s));
      if (options.stuck && s == 1 && i >= options.rows / 2 && i < options.rows / 2 + 400) v = 42.5;
      if (options.spikes && random.Bernoulli(0.01)) v = 1000.0;
      if (random.Bernoulli(options.missing_share)) v = std::numeric_limits<double>::quiet_NaN();
      r.values[s].push_back(v);
    }
  }
  return r;
}

}  // namespace edgeloop::features::internal
