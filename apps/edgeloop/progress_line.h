// ProgressLine: one self-overwriting line on a terminal, "train: extract features 12/20 (60 %)
// 4.1/s, ETA 2s". Silent when not enabled (output is not a terminal), so logs stay clean.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "base/clock.h"

namespace edgeloop::app {

class ProgressLine {
 public:
  ProgressLine(std::FILE* out, const Clock& clock, bool enabled)
      : out_(out), clock_(clock), enabled_(enabled) {}

  // Shows `step` at done/total; restarts the rate when the step changes.
  void Update(const std::string& step, size_t done, size_t total);
  // Ends the line so the next output starts clean.
  void Finish();

 private:
  std::FILE* out_;
  const Clock& clock_;
  bool enabled_;
  std::string step_;
  int64_t step_started_ns_ = 0;
  bool dirty_ = false;
};

}  // namespace edgeloop::app
