// `edgeloop sim serve`: a virtual PLC. Runs the fleet simulator on the wall clock from "now"
// (or --speed times faster) and exposes each simulated pump's current signal values:
//   --modbus HOST:PORT  float32 holding registers, asset i / signal j at (i*16 + j)*2 (big word
//                       order), and the matching register map written as YAML to --map FILE;
//   --mqtt HOST:PORT    one row message per asset per step on edgeloop/<asset>/readings, and
//                       with --raw-khz a burst per asset every --burst-every on
//                       edgeloop/<asset>/waveforms (io/reading_message.h payloads).
// It runs until --duration of wall time has passed (one step when 0) or SIGINT/SIGTERM. Quiet
// unless a terminal (context.progress); prints where it serves at start. Returns the exit code
// (exit_code.h): 2 for bad flags, 5 for an unreachable broker, a port in use or an unwritable map.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "edgeloop/app_context.h"
#include "sim/signals.h"

namespace edgeloop::app {

struct SimServeFlags {
  int assets = 5;
  uint64_t seed = 7;
  std::string step = "1s";
  double speed = 1;          // N times faster than real time
  std::string duration;      // wall time to run; empty = until SIGINT/SIGTERM
  std::string modbus;        // HOST:PORT (port 0 = a free one)
  std::string map_file;      // --map: register map YAML (with --modbus)
  std::string mqtt;          // HOST:PORT of the broker
  double raw_khz = 0;        // raw vibration bursts over MQTT; 0 = none
  std::string burst_every = "1m";
  double burst_seconds = 1;
};

int RunSimServe(const AppContext& context, const SimServeFlags& flags);

// --- pieces, exposed for tests ---

constexpr int kSimServeRegistersPerAsset = 16 * 2;
// Holding register of asset `asset_index`, signal `signal_index`: (i*16 + j)*2.
int SimServeRegisterAddress(int asset_index, int signal_index);
// "host:port" -> (host, port); InvalidArgument naming `flag` otherwise.
Result<std::pair<std::string, int>> ParseHostPort(std::string_view text, std::string_view flag);
// The agent's register map for `assets` x `signals`: a YAML list of
// {asset, signal, address, type: float32, table: holding}.
std::string SimServeRegisterMapYaml(const std::vector<std::string>& assets,
                                    const std::vector<std::string>& signals);

struct SimMessage {
  std::string topic;
  std::string payload;
};
// One step of the fleet as MQTT messages: a row message per asset on edgeloop/<asset>/readings.
std::vector<SimMessage> SimStepMessages(const std::vector<std::string>& assets,
                                        const std::vector<std::string>& signals,
                                        const std::vector<sim::SignalRow>& rows, int64_t time_ms);

}  // namespace edgeloop::app
