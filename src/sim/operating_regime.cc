#include "sim/operating_regime.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "base/time_format.h"

namespace edgeloop::sim {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kWeatherPeriodDays[3] = {2.9, 6.7, 15.3};
constexpr double kWeatherAmplitudeC[3] = {2.0, 1.5, 1.2};

// FNV-1a: a stable stream number for a site name.
uint64_t HashName(const std::string& name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

double Days(int64_t time_ms) { return static_cast<double>(time_ms) / kMillisPerDay; }

int64_t AfterExponential(Random& random, int64_t from_ms, double mean_days, double min_days) {
  const double days = std::max(min_days, random.Exponential(mean_days));
  return from_ms + std::llround(days * kMillisPerDay);
}

}  // namespace

SiteClimate::SiteClimate(uint64_t seed, const std::string& site) {
  Random random = Random(seed).Fork(HashName("site:" + site));
  mean_c_ = random.Uniform(8.0, 22.0);
  season_amplitude_c_ = random.Uniform(5.0, 12.0);
  daily_amplitude_c_ = random.Uniform(2.0, 5.0);
  for (double& phase : weather_phase_) phase = random.Uniform(0.0, kTwoPi);
}

double SiteClimate::AmbientC(int64_t time_ms) const {
  const double days = Days(time_ms);
  // Days since 1970-01-01 modulo a year track the day of the year closely enough; the season
  // peaks in late July, the day at 15:00 UTC.
  double t = mean_c_ + season_amplitude_c_ * std::sin(kTwoPi * (days - 110.0) / 365.25);
  const double hour = std::fmod(days, 1.0) * 24.0;
  t += daily_amplitude_c_ * std::sin(kTwoPi * (hour - 9.0) / 24.0);
  for (int i = 0; i < 3; ++i) {
    t +=
        kWeatherAmplitudeC[i] * std::sin(kTwoPi * days / kWeatherPeriodDays[i] + weather_phase_[i]);
  }
  return t;
}

OperatingRegime::OperatingRegime(int64_t start_ms, Random random, SiteClimate climate)
    : random_(random), climate_(climate) {
  density_bias_ = random_.Uniform(0.97, 1.05);
  fluid_temp_bias_c_ = random_.Uniform(-10.0, 10.0);
  load_factor_ = random_.Uniform(0.82, 1.08);
  density_factor_ = random_.Uniform(0.98, 1.03);
  fluid_temp_offset_c_ = random_.Uniform(-5.0, 5.0);
  next_setpoint_ms_ = AfterExponential(random_, start_ms, 3.0, 0.25);
  next_fluid_change_ms_ = AfterExponential(random_, start_ms, 10.0, 1.0);
}

void OperatingRegime::AddChange(const RegimeChange& change) {
  auto at = std::upper_bound(pending_.begin(), pending_.end(), change.at_ms,
                             [](int64_t t, const RegimeChange& r) { return t < r.at_ms; });
  pending_.insert(at, change);
}

void OperatingRegime::ApplyDueChanges(int64_t time_ms) {
  size_t due = 0;
  for (; due < pending_.size() && pending_[due].at_ms <= time_ms; ++due) {
    const RegimeChange& change = pending_[due];
    if (change.load) base_load_ = *change.load;
    if (change.density) base_density_ = *change.density;
    if (change.fluid_temp_c) base_fluid_temp_c_ = *change.fluid_temp_c;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(due));
}

OperatingPoint OperatingRegime::At(int64_t time_ms) {
  ApplyDueChanges(time_ms);
  // Operators step the set-point every few days; the fluid changes more slowly.
  while (next_setpoint_ms_ <= time_ms) {
    load_factor_ = random_.Uniform(0.82, 1.08);
    next_setpoint_ms_ = AfterExponential(random_, next_setpoint_ms_, 3.0, 0.25);
  }
  while (next_fluid_change_ms_ <= time_ms) {
    density_factor_ = random_.Uniform(0.98, 1.03);
    fluid_temp_offset_c_ = random_.Uniform(-5.0, 5.0);
    next_fluid_change_ms_ = AfterExponential(random_, next_fluid_change_ms_, 10.0, 1.0);
  }
  OperatingPoint point;
  point.load = std::clamp(base_load_ * load_factor_, 0.3, 1.1);
  point.density = base_density_ * density_bias_ * density_factor_;
  point.fluid_temp_c = base_fluid_temp_c_ + fluid_temp_bias_c_ + fluid_temp_offset_c_;
  point.ambient_c = climate_.AmbientC(time_ms);
  return point;
}

}  // namespace edgeloop::sim
