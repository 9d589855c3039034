#include "sim/sensor_fault.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "base/time_format.h"

namespace edgeloop::sim {
namespace {

constexpr std::array<std::string_view, 4> kKindNames = {"stuck", "dropout", "spikes", "bias"};
constexpr double kSpikeProbability = 0.05;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

std::string_view SensorFaultKindName(SensorFaultKind kind) {
  return kKindNames[static_cast<size_t>(kind)];
}

bool ParseSensorFaultKind(std::string_view name, SensorFaultKind* kind) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) {
      *kind = static_cast<SensorFaultKind>(i);
      return true;
    }
  }
  return false;
}

SensorFaultInjector::SensorFaultInjector(std::string asset, double rate_per_year,
                                         bool random_faults, int64_t start_ms, Random timing,
                                         Random noise)
    : asset_(std::move(asset)),
      rate_per_year_(rate_per_year),
      random_faults_(random_faults && rate_per_year > 0),
      timing_(timing),
      noise_(noise) {
  last_reported_.fill(kNaN);
  if (random_faults_) ScheduleNextRandom(start_ms);
}

void SensorFaultInjector::Add(SensorFault fault) {
  auto at = std::upper_bound(pending_.begin(), pending_.end(), fault.start_ms,
                             [](int64_t t, const SensorFault& f) { return t < f.start_ms; });
  pending_.insert(at, std::move(fault));
}

void SensorFaultInjector::ScheduleNextRandom(int64_t after_ms) {
  const double mean_minutes = 365.25 * 24 * 60 / rate_per_year_;
  const int64_t minutes = std::max<int64_t>(1, std::llround(timing_.Exponential(mean_minutes)));
  next_random_ms_ = after_ms + minutes * kMillisPerMinute;
}

SensorFault SensorFaultInjector::DrawRandomFault(int64_t start_ms) {
  SensorFault f;
  f.asset = asset_;
  f.random = true;
  f.start_ms = start_ms;
  f.signal = static_cast<Signal>(timing_.UniformInt(0, kSignalCount - 1));
  f.kind = static_cast<SensorFaultKind>(timing_.UniformInt(0, 3));
  const SignalSpec& spec = SpecOf(f.signal);
  // Durations in whole minutes and magnitudes in thousandths keep sensor_faults.csv readable.
  auto minutes = [this](int64_t lo_minutes, int64_t hi_minutes) {
    return timing_.UniformInt(lo_minutes, hi_minutes) * kMillisPerMinute;
  };
  auto thousandths = [](double value) { return std::nearbyint(value * 1000) / 1000; };
  switch (f.kind) {
    case SensorFaultKind::kStuck:
      f.duration_ms = minutes(2 * 60, 24 * 60);
      break;
    case SensorFaultKind::kDropout:
      f.duration_ms = minutes(10, 12 * 60);
      break;
    case SensorFaultKind::kSpikes:
      f.duration_ms = minutes(24 * 60, 3 * 24 * 60);
      f.magnitude = thousandths(spec.default_spike * timing_.Uniform(0.7, 1.5));
      break;
    case SensorFaultKind::kBias:
      f.duration_ms = minutes(3 * 24 * 60, 14 * 24 * 60);
      f.magnitude = thousandths(spec.default_bias_per_day * timing_.Uniform(0.5, 2.0) *
                                (timing_.Bernoulli(0.5) ? 1.0 : -1.0));
      break;
  }
  return f;
}

double SensorFaultInjector::Distort(Active& active, int64_t time_ms, double value) {
  const SensorFault& f = active.fault;
  const SignalSpec& spec = SpecOf(f.signal);
  switch (f.kind) {
    case SensorFaultKind::kStuck:
      if (std::isnan(active.held)) {
        const double last = last_reported_[Index(f.signal)];
        active.held = std::isnan(last) ? value : last;
      }
      return active.held;
    case SensorFaultKind::kDropout:
      return kNaN;
    case SensorFaultKind::kSpikes: {
      if (!noise_.Bernoulli(kSpikeProbability)) return value;
      const double size = std::isnan(f.magnitude) ? spec.default_spike : f.magnitude;
      return Quantize(f.signal, value + (noise_.Bernoulli(0.5) ? size : -size));
    }
    case SensorFaultKind::kBias: {
      const double per_day = std::isnan(f.magnitude) ? spec.default_bias_per_day : f.magnitude;
      const double days = static_cast<double>(time_ms - f.start_ms) / kMillisPerDay;
      return Quantize(f.signal, value + per_day * days);
    }
  }
  return value;
}

void SensorFaultInjector::Apply(int64_t time_ms, SignalRow* row,
                                std::vector<SensorFault>* started) {
  while (random_faults_ && next_random_ms_ <= time_ms) {
    Add(DrawRandomFault(next_random_ms_));
    ScheduleNextRandom(next_random_ms_);
  }
  size_t n_started = 0;
  while (n_started < pending_.size() && pending_[n_started].start_ms <= time_ms) ++n_started;
  for (size_t i = 0; i < n_started; ++i) {
    started->push_back(pending_[i]);
    active_.push_back(Active{std::move(pending_[i])});
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n_started));
  std::erase_if(active_, [time_ms](const Active& a) { return a.fault.end_ms() <= time_ms; });

  for (Active& active : active_) {
    double& value = (*row)[Index(active.fault.signal)];
    if (!std::isnan(value) || active.fault.kind == SensorFaultKind::kStuck) {
      value = Distort(active, time_ms, value);
    }
  }
  for (size_t i = 0; i < kSignalCount; ++i) {
    if (!std::isnan((*row)[i])) last_reported_[i] = (*row)[i];
  }
}

}  // namespace edgeloop::sim
