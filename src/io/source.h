// Source: where an edge agent's readings come from — a CSV replay, a Modbus TCP device, an MQTT
// broker — behind one interface, so the agent's loop does not know which it reads.
//
// The agent calls Poll on its own schedule with the time of its Clock; a source returns what has
// arrived (or is due) by then and never blocks for long: a Modbus source performs one read cycle
// when one is due, an MQTT source hands over the messages its network thread queued, a replay
// hands over the rows whose (replay-mapped) time has come. Rows carry the asset id, a UTC
// millisecond timestamp and named values; high-rate channels arrive as Waveform bursts.
//
// Not thread-safe unless an implementation says so: one agent thread polls a source.
// Errors: Unavailable for a link problem that may pass (device unreachable, broker gone; the
// agent counts it and polls again later); InvalidArgument for data that can never be read
// (a malformed payload is skipped and counted rather than failing the source, see each kind).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/readings.h"
#include "base/status.h"

namespace edgeloop::io {

// One timestamped row of one asset: signals[i] has values[i] (NaN = missing).
struct SourceRow {
  std::string asset;
  int64_t time_ms = 0;
  std::vector<std::string> signals;
  std::vector<double> values;
};

// What one Poll returned. Rows of one asset come in strictly increasing time order.
struct SourceBatch {
  std::vector<SourceRow> rows;
  std::vector<Waveform> bursts;
  void clear() {
    rows.clear();
    bursts.clear();
  }
  bool empty() const { return rows.empty() && bursts.empty(); }
};

class Source {
 public:
  virtual ~Source() = default;

  // "csv_replay", "modbus", "mqtt".
  virtual std::string_view kind() const = 0;
  // Appends to `batch` everything available at clock time `now_ms`.
  virtual Status Poll(int64_t now_ms, SourceBatch* batch) = 0;
  // The clock time at which Poll may next return something, or nullopt when the source is
  // exhausted for good (a replay that reached its end). The agent waits until then.
  virtual std::optional<int64_t> NextDueMs(int64_t now_ms) const = 0;
  // Starts after a restart: rows of `asset` at or before `time_ms` are not needed any more; a
  // source that can replay (CSV) skips them; live sources ignore this.
  virtual void ResumeAfter(const std::string& asset, int64_t time_ms) {
    (void)asset;
    (void)time_ms;
  }
};

}  // namespace edgeloop::io
