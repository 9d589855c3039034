#include "edgeloop/cmd_sim_serve.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <ctime>
#include <memory>

#include "base/strings.h"
#include "base/time_format.h"
#include "edgeloop/exit_code.h"
#include "io/modbus_server.h"
#include "io/mqtt_publisher.h"
#include "io/reading_message.h"
#include "sim/fleet_simulator.h"
#include "sim/sim_config.h"

namespace edgeloop::app {
namespace {

constexpr int kMaxModbusAssets = 65536 / kSimServeRegistersPerAsset;

struct ServeSettings {
  int64_t step_ms = 0;
  std::optional<int64_t> duration_ms;
  int64_t burst_every_ms = 0;
  std::optional<std::pair<std::string, int>> modbus;
  std::optional<std::pair<std::string, int>> mqtt;
};

Result<ServeSettings> CheckFlags(const SimServeFlags& flags) {
  ServeSettings s;
  EL_ASSIGN_OR_RETURN(s.step_ms, ParseDuration(flags.step));
  if (!flags.duration.empty()) {
    EL_ASSIGN_OR_RETURN(int64_t duration, ParseDuration(flags.duration));
    s.duration_ms = duration;
  }
  if (!(flags.speed > 0) || !std::isfinite(flags.speed)) {
    return InvalidArgument("--speed must be a positive number, got " + FormatDouble(flags.speed));
  }
  if (flags.modbus.empty() && flags.mqtt.empty()) {
    return InvalidArgument("sim serve needs --modbus HOST:PORT and/or --mqtt HOST:PORT");
  }
  if (!flags.modbus.empty()) {
    EL_ASSIGN_OR_RETURN(s.modbus, ParseHostPort(flags.modbus, "--modbus"));
    if (flags.assets > kMaxModbusAssets) {
      return InvalidArgument("--assets " + std::to_string(flags.assets) + ": the register layout " +
                             "holds at most " + std::to_string(kMaxModbusAssets) + " assets");
    }
  } else if (!flags.map_file.empty()) {
    return InvalidArgument("--map needs --modbus");
  }
  if (!flags.mqtt.empty()) {
    EL_ASSIGN_OR_RETURN(s.mqtt, ParseHostPort(flags.mqtt, "--mqtt"));
  }
  if (flags.raw_khz < 0 || !std::isfinite(flags.raw_khz)) {
    return InvalidArgument("--raw-khz must be 0 or positive");
  }
  if (flags.raw_khz > 0) {
    if (flags.mqtt.empty()) return InvalidArgument("--raw-khz needs --mqtt");
    EL_ASSIGN_OR_RETURN(s.burst_every_ms, ParseDuration(flags.burst_every));
    if (s.burst_every_ms < s.step_ms) {
      return InvalidArgument("--burst-every " + flags.burst_every + " is shorter than --step " +
                             flags.step);
    }
  }
  return s;
}

// Waits until `ms` of wall time passed or SIGINT/SIGTERM arrived (they are blocked in every
// thread, so they queue up for sigtimedwait instead of killing the process). True on a signal.
bool WaitOrSignal(const sigset_t& signals, int64_t ms) {
  if (ms < 0) ms = 0;
  timespec timeout{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1'000'000)};
  while (true) {
    const int sig = sigtimedwait(&signals, nullptr, &timeout);
    if (sig > 0) return true;
    if (errno == EINTR) continue;
    return false;  // EAGAIN: the time passed
  }
}

}  // namespace

int SimServeRegisterAddress(int asset_index, int signal_index) {
  return (asset_index * 16 + signal_index) * 2;
}

Result<std::pair<std::string, int>> ParseHostPort(std::string_view text, std::string_view flag) {
  const size_t colon = text.rfind(':');
  const std::string expected = std::string(flag) + " '" + std::string(text) +
                               "': expected HOST:PORT with a port in 0..65535";
  if (colon == std::string_view::npos || colon == 0) return InvalidArgument(expected);
  Result<int64_t> port = ParseInt(text.substr(colon + 1));
  if (!port.ok() || *port < 0 || *port > 65535) return InvalidArgument(expected);
  return std::make_pair(std::string(text.substr(0, colon)), static_cast<int>(*port));
}

std::string SimServeRegisterMapYaml(const std::vector<std::string>& assets,
                                    const std::vector<std::string>& signals) {
  std::string yaml =
      "# edgeloop sim serve: float32 holding registers (big word order), asset i / signal j at\n"
      "# address (i*16 + j)*2.\n";
  for (size_t i = 0; i < assets.size(); ++i) {
    for (size_t j = 0; j < signals.size(); ++j) {
      yaml += "- {asset: " + assets[i] + ", signal: " + signals[j] + ", address: " +
              std::to_string(SimServeRegisterAddress(static_cast<int>(i), static_cast<int>(j))) +
              ", type: float32, table: holding}\n";
    }
  }
  return yaml;
}

std::vector<SimMessage> SimStepMessages(const std::vector<std::string>& assets,
                                        const std::vector<std::string>& signals,
                                        const std::vector<sim::SignalRow>& rows, int64_t time_ms) {
  std::vector<SimMessage> messages;
  for (size_t i = 0; i < assets.size() && i < rows.size(); ++i) {
    io::SourceRow row;
    row.asset = assets[i];
    row.time_ms = time_ms;
    row.signals = signals;
    row.values.assign(rows[i].begin(), rows[i].end());
    messages.push_back({"edgeloop/" + assets[i] + "/readings", io::EncodeRowMessage(row)});
  }
  return messages;
}

int RunSimServe(const AppContext& context, const SimServeFlags& flags) {
  Result<ServeSettings> settings = CheckFlags(flags);
  if (!settings.ok()) return ReportFailure(settings.status(), context.err);
  const ServeSettings& s = *settings;

  sim::SimConfig config;
  config.assets = flags.assets;
  config.seed = flags.seed;
  config.period_ms = s.step_ms;
  config.days = 1;  // the fleet keeps stepping past its nominal length
  const int64_t wall0 = context.clock->NowMillis();
  config.start_ms = wall0 - wall0 % s.step_ms;
  Result<sim::FleetSimulator> fleet = sim::FleetSimulator::Create(config);
  if (!fleet.ok()) return ReportFailure(fleet.status(), context.err);
  std::vector<std::string> assets;
  for (const sim::AssetInfo& info : fleet->assets()) assets.push_back(info.id);
  const std::vector<std::string> signals = sim::FleetSimulator::SignalNames();

  // Block SIGINT/SIGTERM before any thread starts, so every thread inherits the mask and the
  // signals wait for sigtimedwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigset_t previous_mask;
  pthread_sigmask(SIG_BLOCK, &stop_signals, &previous_mask);
  struct RestoreMask {
    sigset_t mask;
    ~RestoreMask() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } restore{previous_mask};

  std::unique_ptr<io::ModbusServer> modbus;
  if (s.modbus) {
    Result<std::unique_ptr<io::ModbusServer>> started =
        io::ModbusServer::Start(s.modbus->second, s.modbus->first);
    if (!started.ok()) return ReportFailure(started.status(), context.err);
    modbus = std::move(started).value();
    if (!flags.map_file.empty()) {
      Status written =
          context.fs->WriteFileAtomic(flags.map_file, SimServeRegisterMapYaml(assets, signals));
      if (!written.ok()) return ReportFailure(written, context.err);
    }
    std::fprintf(context.out, "modbus  %s:%d  %zu assets x %zu float32 holding registers%s%s\n",
                 s.modbus->first.c_str(), modbus->port(), assets.size(), signals.size(),
                 flags.map_file.empty() ? "" : ", map ", flags.map_file.c_str());
  }
  std::unique_ptr<io::MqttPublisher> mqtt;
  if (s.mqtt) {
    io::MqttPublisherConfig mqtt_config;
    mqtt_config.host = s.mqtt->first;
    mqtt_config.port = s.mqtt->second;
    mqtt_config.client_id = "edgeloop-sim-serve-" + std::to_string(flags.seed);
    Result<std::unique_ptr<io::MqttPublisher>> connected = io::MqttPublisher::Connect(mqtt_config);
    if (!connected.ok()) return ReportFailure(connected.status(), context.err);
    mqtt = std::move(connected).value();
    std::fprintf(context.out, "mqtt    %s:%d  edgeloop/<asset>/readings%s\n",
                 s.mqtt->first.c_str(), s.mqtt->second,
                 flags.raw_khz > 0 ? ", edgeloop/<asset>/waveforms" : "");
  }
  std::fflush(context.out);

  std::vector<sim::SignalRow> rows;
  std::optional<int64_t> next_burst_ms;
  while (true) {
    fleet->Step(&rows);
    const int64_t t = fleet->time_ms();
    if (modbus) {
      for (size_t i = 0; i < rows.size(); ++i) {
        for (size_t j = 0; j < rows[i].size(); ++j) {
          // A dropout (NaN) is served as NaN: the float32 keeps it.
          modbus->SetFloat32(io::ModbusTable::kHolding,
                             SimServeRegisterAddress(static_cast<int>(i), static_cast<int>(j)),
                             static_cast<float>(rows[i][j]));
        }
      }
    }
    if (mqtt) {
      for (const SimMessage& m : SimStepMessages(assets, signals, rows, t)) {
        Status published = mqtt->Publish(m.topic, m.payload, 1);
        if (!published.ok()) return ReportFailure(published, context.err);
      }
      if (flags.raw_khz > 0 && (!next_burst_ms || t >= *next_burst_ms)) {
        for (const std::string& asset : assets) {
          Result<Waveform> burst =
              fleet->RawVibration(asset, t, flags.burst_seconds, flags.raw_khz * 1000.0);
          if (!burst.ok()) return ReportFailure(burst.status(), context.err);
          Status published = mqtt->Publish("edgeloop/" + asset + "/waveforms",
                                           io::EncodeBurstMessage(*burst), 1);
          if (!published.ok()) return ReportFailure(published, context.err);
        }
        next_burst_ms = t + s.burst_every_ms;
      }
    }
    if (context.progress) {
      std::fprintf(context.err, "\rsim time %s  steps %lld ", FormatTimestamp(t).c_str(),
                   static_cast<long long>(fleet->steps_taken()));
      std::fflush(context.err);
    }
    const int64_t now = context.clock->NowMillis();
    if (s.duration_ms && now - wall0 >= *s.duration_ms) break;
    // The next step is due when wall time reaches wall0 + (sim time - start) / speed.
    const int64_t next_sim = t + s.step_ms;
    int64_t due = wall0 + static_cast<int64_t>(
                              std::ceil(static_cast<double>(next_sim - config.start_ms) /
                                        flags.speed));
    if (s.duration_ms) due = std::min(due, wall0 + *s.duration_ms);
    if (WaitOrSignal(stop_signals, due - now)) break;
    if (s.duration_ms && context.clock->NowMillis() - wall0 >= *s.duration_ms) break;
  }
  if (context.progress) std::fprintf(context.err, "\n");
  return kExitOk;
}

}  // namespace edgeloop::app
