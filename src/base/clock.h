// Clock: the only way edgeloop code reads time.
//
// Wall time is milliseconds since the Unix epoch (UTC); monotonic time is nanoseconds from an
// arbitrary origin and only meaningful as a difference. SystemClock reads the OS; SimulatedClock
// is advanced by tests and by the demo, so a month of fleet life runs in seconds and nothing
// sleeps. Both are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

namespace edgeloop {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMillis() const = 0;
  virtual int64_t MonotonicNanos() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override;
  int64_t MonotonicNanos() const override;
};

// Starts at `start_millis`; moves only when told to. Monotonic time follows wall time.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(int64_t start_millis) : now_millis_(start_millis) {}
  int64_t NowMillis() const override { return now_millis_.load(); }
  int64_t MonotonicNanos() const override { return now_millis_.load() * 1'000'000; }
  void Advance(int64_t millis) { now_millis_.fetch_add(millis); }
  void Set(int64_t millis) { now_millis_.store(millis); }

 private:
  std::atomic<int64_t> now_millis_;
};

}  // namespace edgeloop
