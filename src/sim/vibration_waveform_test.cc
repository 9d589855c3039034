#include "sim/vibration_waveform.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>

#include "base/time_format.h"
#include "sim/fleet_simulator.h"

namespace edgeloop::sim {
namespace {

// Amplitude of the component of `x` at `frequency_hz` (one DFT bin, Hann window).
double AmplitudeAt(const std::vector<double>& x, double rate_hz, double frequency_hz) {
  std::complex<double> sum = 0;
  double window_sum = 0;
  const double n = static_cast<double>(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double w = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / n);
    const double phase = -2.0 * std::numbers::pi * frequency_hz * static_cast<double>(i) / rate_hz;
    sum += w * x[i] * std::polar(1.0, phase);
    window_sum += w;
  }
  return 2.0 * std::abs(sum) / window_sum;
}

std::vector<double> Raw(const std::vector<float>& samples) {
  return std::vector<double>(samples.begin(), samples.end());
}

// The squared signal: the energy envelope, where impacts show as lines at their repetition rate.
std::vector<double> Envelope(const std::vector<float>& samples) {
  std::vector<double> out(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) out[i] = double(samples[i]) * samples[i];
  return out;
}

TEST(VibrationWaveform, DefectFrequenciesOfA6205Bearing) {
  const BearingFrequencies f = DefectFrequencies(BearingGeometry{}, 1.0);
  EXPECT_NEAR(f.bpfo, 3.585, 0.002);
  EXPECT_NEAR(f.bpfi, 5.415, 0.002);
  EXPECT_NEAR(f.bsf, 2.357, 0.002);
  EXPECT_NEAR(f.ftf, 0.398, 0.002);
  EXPECT_NEAR(f.bpfo + f.bpfi, 9.0, 1e-9);  // n * shaft frequency
}

TEST(VibrationWaveform, EnergyAtBpfoGrowsWithBearingWear) {
  const double rate = 20000;
  VibrationSource source;
  source.speed_rpm = 2950;
  const double bpfo = DefectFrequencies(source.bearing, 2950 / 60.0).bpfo;
  double previous_raw = 0, previous_envelope = 0;
  for (double wear : {0.05, 0.4, 0.9}) {
    source.bearing_wear = wear;
    Random random(11);
    const std::vector<float> samples = SynthesizeVibration(source, 1.0, rate, random);
    ASSERT_EQ(samples.size(), 20000u);
    const double raw = AmplitudeAt(Raw(samples), rate, bpfo);
    const double envelope = AmplitudeAt(Envelope(samples), rate, bpfo);
    EXPECT_GT(raw, 2.0 * previous_raw) << wear;
    EXPECT_GT(envelope, 2.0 * previous_envelope) << wear;
    previous_raw = raw;
    previous_envelope = envelope;
  }
  // A worn bearing's line stands well above the spectrum next to it.
  Random random(11);
  const std::vector<float> worn = SynthesizeVibration(source, 1.0, rate, random);
  EXPECT_GT(AmplitudeAt(Envelope(worn), rate, bpfo),
            5.0 * AmplitudeAt(Envelope(worn), rate, bpfo * 1.13));
}

TEST(VibrationWaveform, ShaftHarmonicsAndStandstill) {
  VibrationSource source;
  source.speed_rpm = 3000;
  Random random(3);
  const std::vector<double> running = Raw(SynthesizeVibration(source, 1.0, 10000, random));
  EXPECT_GT(AmplitudeAt(running, 10000, 50.0), 0.03);
  EXPECT_GT(AmplitudeAt(running, 10000, 100.0), 0.01);
  EXPECT_LT(AmplitudeAt(running, 10000, 73.0), 0.005);

  source.speed_rpm = 0;
  const std::vector<double> still = Raw(SynthesizeVibration(source, 1.0, 10000, random));
  double sum_sq = 0;
  for (double v : still) sum_sq += v * v;
  EXPECT_LT(std::sqrt(sum_sq / static_cast<double>(still.size())), 0.03);
}

TEST(VibrationWaveform, FleetWaveformShowsTheBearingWearing) {
  SimConfig c;
  c.assets = 1;
  c.days = 20;
  c.random_failures = false;
  c.schedule.failures.push_back(
      {"P001", FailureMode::kBearingWear, c.start_ms + 20 * kMillisPerDay, 14 * kMillisPerDay});
  FleetSimulator fleet(c);
  const double rate = 20000;
  // Each burst is measured at the BPFO of the speed the pump ran at.
  auto bpfo_amplitude = [&](const Waveform& w, const SignalRow& row) {
    const double shaft_hz = row[Index(Signal::kSpeed)] / 60.0;
    const double bpfo = DefectFrequencies(BearingGeometry{}, shaft_hz).bpfo;
    return AmplitudeAt(Envelope(w.samples), rate, bpfo);
  };
  std::vector<SignalRow> rows;
  fleet.Step(&rows);
  const Waveform early = *fleet.RawVibration("P001", fleet.time_ms(), 1.0, rate);
  EXPECT_EQ(early.signal, "vib_de_raw");
  EXPECT_EQ(early.asset, "P001");
  EXPECT_EQ(early.rate_hz, rate);
  const double early_amplitude = bpfo_amplitude(early, rows[0]);
  while (fleet.time_ms() < c.start_ms + 19 * kMillisPerDay + 12 * kMillisPerHour) {
    fleet.Step(&rows);
  }
  const Waveform late = *fleet.RawVibration("P001", fleet.time_ms(), 1.0, rate);
  EXPECT_GT(bpfo_amplitude(late, rows[0]), 10.0 * early_amplitude);
}

}  // namespace
}  // namespace edgeloop::sim
