#include "edgeloop/progress_line.h"

#include "base/time_format.h"

namespace edgeloop::app {

void ProgressLine::Update(const std::string& step, size_t done, size_t total) {
  if (!enabled_) return;
  const int64_t now = clock_.MonotonicNanos();
  if (step != step_) {
    step_ = step;
    step_started_ns_ = now;
  }
  std::string line = step;
  if (total > 1) {
    const double seconds = static_cast<double>(now - step_started_ns_) / 1e9;
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    char buf[160];
    std::snprintf(buf, sizeof buf, " %zu/%zu (%.0f %%)", done, total, 100.0 * done / total);
    line += buf;
    if (rate > 0 && done < total) {
      const auto eta_ms = static_cast<int64_t>(1000.0 * static_cast<double>(total - done) / rate);
      std::snprintf(buf, sizeof buf, " %.1f/s, ETA %s", rate, FormatDuration(eta_ms).c_str());
      line += buf;
    }
  }
  std::fprintf(out_, "\r\033[K%s", line.c_str());
  std::fflush(out_);
  dirty_ = true;
}

void ProgressLine::Finish() {
  if (!enabled_ || !dirty_) return;
  std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
  dirty_ = false;
}

}  // namespace edgeloop::app
