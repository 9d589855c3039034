// Raw drive-end vibration: what an accelerometer on the bearing housing records in a burst.
//
// The waveform (acceleration in g) is the sum of shaft harmonics (1x from imbalance, 2x from
// misalignment), the vane-pass tone, bearing defect impulse trains and noise. Each defect (outer
// race at BPFO, inner race at BPFI modulated by the shaft, rolling elements at 2*BSF modulated
// by the cage at FTF) strikes the structure, which rings at its resonance and decays; the
// impulse amplitude grows with the square of the bearing wear, so a spectrum of the waveform (or
// of its envelope) shows lines at the defect frequencies that grow as the bearing wears.
// Pure functions of their inputs and the given Random; thread-safe.
#pragma once

#include <vector>

#include "base/random.h"

namespace edgeloop::sim {

// Rolling-element bearing geometry; the default is a 6205-size deep-groove ball bearing.
struct BearingGeometry {
  int balls = 9;
  double ball_diameter_mm = 7.94;
  double pitch_diameter_mm = 39.04;
  double contact_angle_deg = 0.0;
};

// Defect frequencies in Hz.
struct BearingFrequencies {
  double bpfo = 0;  // ball pass frequency, outer race
  double bpfi = 0;  // ball pass frequency, inner race
  double bsf = 0;   // ball spin frequency
  double ftf = 0;   // fundamental train (cage) frequency
};

BearingFrequencies DefectFrequencies(const BearingGeometry& bearing, double shaft_hz);

// The state of the machine that shapes its vibration.
struct VibrationSource {
  double speed_rpm = 0;       // 0: the pump stands still and only noise is recorded
  double bearing_wear = 0;    // 0..1
  double imbalance_mm_s = 0;  // extra 1x vibration (impeller wear)
  double cavitation = 0;      // 0..1, broadband noise
  int impeller_vanes = 7;
  double resonance_hz = 3200;  // lowered to 35 % of the sample rate when that is lower
  double phase_1x = 0;
  BearingGeometry bearing;
};

// `seconds` of acceleration in g sampled at `rate_hz`, at 0.0001 g resolution.
std::vector<float> SynthesizeVibration(const VibrationSource& source, double seconds,
                                       double rate_hz, Random& random);

}  // namespace edgeloop::sim
