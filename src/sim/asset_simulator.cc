#include "sim/asset_simulator.h"

#include <algorithm>

#include "sim/vibration_waveform.h"

namespace edgeloop::sim {
namespace {

// One independent stream per concern, so that e.g. more sensor faults do not change the noise.
enum Stream : uint64_t {
  kParamsStream = 1,
  kRegimeStream,
  kFailureStream,
  kMaintenanceStream,
  kNoiseStream,
  kSensorFaultTimingStream,
  kSensorFaultNoiseStream,
  kWaveformStream,
};

PumpParams ParamsFor(const Random& streams) {
  Random random = streams.Fork(kParamsStream);
  return DrawPumpParams(random);
}

AssetInfo InfoFor(const SimConfig& config, int index, const PumpParams& params) {
  AssetInfo info;
  info.id = AssetId(index);
  info.site = SiteOf(config, index);
  info.model = std::string(params.pump_type().name);
  info.tags = "site=" + info.site + ";model=" + info.model;
  return info;
}

}  // namespace

AssetSimulator::AssetSimulator(const SimConfig& config, int index)
    : streams_(Random(config.seed).Fork(static_cast<uint64_t>(index))),
      life_(AssetId(index), config, streams_.Fork(kFailureStream),
            streams_.Fork(kMaintenanceStream)),
      regime_(config.start_ms, streams_.Fork(kRegimeStream),
              SiteClimate(config.seed, SiteOf(config, index))),
      pump_(ParamsFor(streams_), streams_.Fork(kNoiseStream)),
      sensor_faults_(AssetId(index), config.sensor_fault_rate, config.random_sensor_faults,
                     config.start_ms, streams_.Fork(kSensorFaultTimingStream),
                     streams_.Fork(kSensorFaultNoiseStream)),
      time_ms_(config.start_ms - config.period_ms) {
  info_ = InfoFor(config, index, pump_.params());
  for (const RegimeChange& change : config.schedule.regimes) {
    if (change.assets.Matches(info_.id, info_.site)) regime_.AddChange(change);
  }
  for (const SensorFault& fault : config.schedule.sensor_faults) {
    if (fault.asset == info_.id) sensor_faults_.Add(fault);
  }
  for (const ScheduledFailure& failure : config.schedule.failures) {
    // ValidateSimConfig rejected overlapping failures, so this cannot fail.
    if (failure.asset == info_.id) {
      EL_CHECK(life_.AddForcedFailure(failure.mode, failure.failure_ms, failure.lead_ms).ok());
    }
  }
}

SignalRow AssetSimulator::Step(int64_t time_ms, int64_t dt_ms, std::vector<io::Event>* events,
                               std::vector<SensorFault>* faults) {
  time_ms_ = time_ms;
  const OperatingPoint point = regime_.At(time_ms);
  life_.AdvanceTo(time_ms, events);
  effects_ = life_.Effects(time_ms, pump_.params().suction_supply_bar);
  SignalRow row = pump_.Sample(point, effects_, life_.running(), dt_ms);
  sensor_faults_.Apply(time_ms, &row, faults);
  return row;
}

Waveform AssetSimulator::RawVibration(int64_t start_ms, double seconds, double rate_hz) const {
  const PumpParams& params = pump_.params();
  VibrationSource source;
  source.speed_rpm = pump_.speed_rpm();
  source.bearing_wear = std::min(1.0, params.bearing_base_wear + effects_.bearing_wear);
  source.imbalance_mm_s = effects_.imbalance_mm_s;
  source.cavitation = effects_.cavitation;
  source.impeller_vanes = params.pump_type().impeller_vanes;
  source.resonance_hz = params.resonance_hz;
  source.phase_1x = params.phase_1x;
  Random random = streams_.Fork(kWaveformStream).Fork(static_cast<uint64_t>(start_ms));

  Waveform waveform;
  waveform.asset = info_.id;
  waveform.signal = "vib_de_raw";
  waveform.start_ms = start_ms;
  waveform.rate_hz = rate_hz;
  waveform.samples = SynthesizeVibration(source, seconds, rate_hz, random);
  return waveform;
}

AssetCondition AssetSimulator::condition() const {
  AssetCondition c;
  c.running = life_.running();
  if (const auto& d = life_.degradation(); d && c.running) {
    c.degradation = d->mode;
    c.severity = d->Severity(time_ms_);
  }
  return c;
}

}  // namespace edgeloop::sim
