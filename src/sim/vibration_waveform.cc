#include "sim/vibration_waveform.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace edgeloop::sim {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kDamping = 0.05;   // damping ratio of the ringing structure
constexpr double kSlip = 0.008;     // relative jitter of impact intervals (rolling slip)
constexpr double kStepsPerG = 1e4;  // 0.0001 g resolution

// The decaying ring of the structure after one unit impact, cut where it fell to 0.1 %.
std::vector<double> RingingKernel(double resonance_hz, double rate_hz) {
  const double wn = kTwoPi * resonance_hz;
  const double wd = wn * std::sqrt(1.0 - kDamping * kDamping);
  const double decay = kDamping * wn;
  const size_t length = static_cast<size_t>(std::ceil(std::log(1000.0) / decay * rate_hz)) + 1;
  std::vector<double> kernel(length);
  for (size_t i = 0; i < length; ++i) {
    const double t = static_cast<double>(i) / rate_hz;
    kernel[i] = std::exp(-decay * t) * std::sin(wd * t);
  }
  return kernel;
}

// Adds impacts every 1/frequency seconds (with slip), each scaled by amplitude(t).
template <typename AmplitudeAt>
void AddImpulseTrain(double frequency_hz, AmplitudeAt amplitude_at,
                     const std::vector<double>& kernel, double rate_hz, Random& random,
                     std::vector<double>* signal) {
  if (frequency_hz <= 0) return;
  const double period_s = 1.0 / frequency_hz;
  const double duration_s = static_cast<double>(signal->size()) / rate_hz;
  for (double t = random.Uniform(0.0, period_s); t < duration_s;
       t += period_s * (1.0 + random.Normal(0.0, kSlip))) {
    const double amplitude = amplitude_at(t);
    const size_t first = static_cast<size_t>(std::llround(t * rate_hz));
    const size_t end = std::min(signal->size(), first + kernel.size());
    for (size_t i = first; i < end; ++i) (*signal)[i] += amplitude * kernel[i - first];
  }
}

}  // namespace

BearingFrequencies DefectFrequencies(const BearingGeometry& b, double shaft_hz) {
  const double ratio = b.ball_diameter_mm / b.pitch_diameter_mm *
                       std::cos(b.contact_angle_deg * std::numbers::pi / 180.0);
  BearingFrequencies f;
  f.bpfo = 0.5 * b.balls * shaft_hz * (1.0 - ratio);
  f.bpfi = 0.5 * b.balls * shaft_hz * (1.0 + ratio);
  f.bsf = 0.5 * b.pitch_diameter_mm / b.ball_diameter_mm * shaft_hz * (1.0 - ratio * ratio);
  f.ftf = 0.5 * shaft_hz * (1.0 - ratio);
  return f;
}

std::vector<float> SynthesizeVibration(const VibrationSource& source, double seconds,
                                       double rate_hz, Random& random) {
  const size_t n = static_cast<size_t>(std::llround(seconds * rate_hz));
  std::vector<double> signal(n, 0.0);
  const double cavitation = std::clamp(source.cavitation, 0.0, 1.0);
  const double noise_g = 0.015 + 0.3 * cavitation;
  const double shaft_hz = source.speed_rpm / 60.0;

  if (shaft_hz > 0) {
    // Acceleration of a given vibration velocity grows with frequency: scale by speed.
    const double s = shaft_hz / 50.0;
    const double a1 = 0.04 * s * s * (1.0 + source.imbalance_mm_s);
    const double a2 = 0.015 * s * s;
    const double av = 0.02 * s * s * (1.0 + 2.0 * cavitation);
    const double vane_hz = source.impeller_vanes * shaft_hz;
    const double phase_2x = random.Uniform(0.0, kTwoPi);
    for (size_t i = 0; i < n; ++i) {
      const double t = static_cast<double>(i) / rate_hz;
      const double w = kTwoPi * shaft_hz * t;
      signal[i] = a1 * std::sin(w + source.phase_1x) + a2 * std::sin(2.0 * w + phase_2x) +
                  av * std::sin(kTwoPi * vane_hz * t);
    }

    const double wear = std::clamp(source.bearing_wear, 0.0, 1.0);
    const double impact = wear * wear * s;
    const BearingFrequencies f = DefectFrequencies(source.bearing, shaft_hz);
    const std::vector<double> kernel =
        RingingKernel(std::min(source.resonance_hz, 0.35 * rate_hz), rate_hz);
    const double inner_phase = random.Uniform(0.0, kTwoPi);
    AddImpulseTrain(
        f.bpfo, [&](double) { return 4.0 * impact; }, kernel, rate_hz, random, &signal);
    // The inner race turns with the shaft and passes through the load zone once a turn.
    AddImpulseTrain(
        f.bpfi,
        [&](double t) {
          return 1.5 * impact * (0.55 + 0.45 * std::cos(kTwoPi * shaft_hz * t + inner_phase));
        },
        kernel, rate_hz, random, &signal);
    // A damaged ball strikes both races once per spin; the cage carries it round at FTF.
    AddImpulseTrain(
        2.0 * f.bsf,
        [&](double t) { return 0.8 * impact * (0.6 + 0.4 * std::cos(kTwoPi * f.ftf * t)); }, kernel,
        rate_hz, random, &signal);
  }

  std::vector<float> samples(n);
  for (size_t i = 0; i < n; ++i) {
    const double g = signal[i] + random.Normal(0.0, noise_g);
    samples[i] = static_cast<float>(std::nearbyint(g * kStepsPerG) / kStepsPerG);
  }
  return samples;
}

}  // namespace edgeloop::sim
