#include "sim/fleet_simulator.h"

#include <algorithm>
#include <cmath>

#include "base/strings.h"

namespace edgeloop::sim {
namespace {

constexpr double kMaxWaveformSamples = 1e8;

}  // namespace

Result<FleetSimulator> FleetSimulator::Create(SimConfig config) {
  EL_RETURN_IF_ERROR(ValidateSimConfig(config));
  return FleetSimulator(std::move(config));
}

FleetSimulator::FleetSimulator(SimConfig config)
    : config_(std::move(config)), time_ms_(config_.start_ms - config_.period_ms) {
  EL_CHECK(ValidateSimConfig(config_).ok());
  simulators_.reserve(static_cast<size_t>(config_.assets));
  assets_.reserve(static_cast<size_t>(config_.assets));
  for (int i = 0; i < config_.assets; ++i) {
    simulators_.emplace_back(config_, i);
    assets_.push_back(simulators_.back().info());
  }
}

std::vector<std::string> FleetSimulator::SignalNames() { return AllSignalNames(); }

void FleetSimulator::Step(std::vector<SignalRow>* rows) {
  time_ms_ += config_.period_ms;
  ++steps_taken_;
  rows->resize(simulators_.size());
  const size_t first_new_event = events_.size();
  const size_t first_new_fault = sensor_faults_.size();
  for (size_t i = 0; i < simulators_.size(); ++i) {
    (*rows)[i] = simulators_[i].Step(time_ms_, config_.period_ms, &events_, &sensor_faults_);
  }
  // Each asset appends in time order; merge this period's assets into one timeline.
  auto by_time = [](const auto& a, const auto& b) { return a.time_ms < b.time_ms; };
  std::stable_sort(events_.begin() + static_cast<std::ptrdiff_t>(first_new_event), events_.end(),
                   by_time);
  std::stable_sort(
      sensor_faults_.begin() + static_cast<std::ptrdiff_t>(first_new_fault), sensor_faults_.end(),
      [](const SensorFault& a, const SensorFault& b) { return a.start_ms < b.start_ms; });
}

Result<size_t> FleetSimulator::IndexOf(const std::string& asset) const {
  const int index = AssetIndex(asset, config_.assets);
  if (index < 0) {
    return NotFound("asset '" + asset + "' is not in the simulated fleet (P001.." +
                    AssetId(config_.assets - 1) + ")");
  }
  return static_cast<size_t>(index);
}

Result<Waveform> FleetSimulator::RawVibration(const std::string& asset, int64_t start_ms,
                                              double seconds, double rate_hz) const {
  EL_ASSIGN_OR_RETURN(size_t index, IndexOf(asset));
  if (!(rate_hz >= 100 && rate_hz <= 200000)) {
    return InvalidArgument("raw vibration of " + asset + ": rate " + FormatDouble(rate_hz) +
                           " Hz is outside [100, 200000]");
  }
  if (!(seconds > 0) || seconds * rate_hz > kMaxWaveformSamples) {
    return InvalidArgument("raw vibration of " + asset + ": " + FormatDouble(seconds) + " s at " +
                           FormatDouble(rate_hz) + " Hz is not 1 to 1e8 samples");
  }
  return simulators_[index].RawVibration(start_ms, seconds, rate_hz);
}

Status FleetSimulator::ScheduleRegimeChange(const RegimeChange& change) {
  EL_RETURN_IF_ERROR(ValidateRegimeChange(config_, change));
  for (AssetSimulator& simulator : simulators_) {
    const AssetInfo& info = simulator.info();
    if (change.assets.Matches(info.id, info.site)) simulator.AddRegimeChange(change);
  }
  return Status::Ok();
}

Status FleetSimulator::ForceFailure(const std::string& asset, FailureMode mode, int64_t failure_ms,
                                    int64_t lead_ms) {
  EL_ASSIGN_OR_RETURN(size_t index, IndexOf(asset));
  return simulators_[index].ForceFailure(mode, failure_ms, lead_ms);
}

Result<AssetCondition> FleetSimulator::Condition(const std::string& asset) const {
  EL_ASSIGN_OR_RETURN(size_t index, IndexOf(asset));
  return simulators_[index].condition();
}

}  // namespace edgeloop::sim
