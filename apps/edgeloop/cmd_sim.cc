#include "edgeloop/cmd_sim.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "edgeloop/exit_code.h"
#include "edgeloop/progress_line.h"
#include "sim/schedule.h"
#include "sim/sim_config.h"
#include "sim/sim_writer.h"

namespace edgeloop::app {
namespace {

using nlohmann::json;

int Fail(std::FILE* err, const Status& status) { return ReportFailure(status, err); }

Status FlagError(const std::string& flag, const std::string& message) {
  return InvalidArgument("sim: --" + flag + " " + message);
}

Result<sim::SimConfig> ConfigFromFlags(const SimFlags& flags, FileSystem& fs) {
  sim::SimConfig config;
  if (flags.out.empty()) return FlagError("out", "is required: the folder to write the fleet to");
  if (flags.assets < 1 || flags.assets > 100000) {
    return FlagError("assets", std::to_string(flags.assets) + ": expected 1 to 100000");
  }
  if (flags.days < 1 || flags.days > 36500) {
    return FlagError("days", std::to_string(flags.days) + ": expected 1 to 36500");
  }
  Result<int64_t> period = ParseDuration(flags.period);
  if (!period.ok()) return FlagError("period", period.status().message());
  if (*period < kMillisPerSecond || *period > kMillisPerDay) {
    return FlagError("period", "'" + flags.period + "': expected 1s to 1d");
  }
  Result<int64_t> start = ParseTimestamp(flags.start);
  if (!start.ok()) return FlagError("start", start.status().message());
  if (!(flags.raw_khz >= 0 && flags.raw_khz <= 200)) {
    return FlagError("raw-khz", FormatDouble(flags.raw_khz) + ": expected 0 (off) to 200");
  }
  if (flags.raw_khz > 0) {
    Result<int64_t> every = ParseDuration(flags.raw_every);
    if (!every.ok()) return FlagError("raw-every", every.status().message());
    if (*every < *period) {
      return FlagError("raw-every",
                       "'" + flags.raw_every + "' is shorter than --period " + flags.period);
    }
    if (!(flags.raw_seconds > 0 && flags.raw_seconds <= 60)) {
      return FlagError("raw-seconds", FormatDouble(flags.raw_seconds) + ": expected (0, 60]");
    }
    config.raw.rate_hz = flags.raw_khz * 1000.0;
    config.raw.every_ms = *every;
    config.raw.seconds = flags.raw_seconds;
  }
  config.assets = flags.assets;
  config.days = flags.days;
  config.period_ms = *period;
  config.seed = flags.seed;
  config.start_ms = *start;
  if (!flags.schedule_file.empty()) {
    Result<std::string> text = fs.ReadFile(flags.schedule_file);
    if (!text.ok()) return text.status().WithContext("sim: schedule file");
    return sim::ApplySchedule(std::move(config), *text, flags.schedule_file);
  }
  return config;
}

std::string FailuresLine(const sim::FleetSummary& s) {
  std::string line = std::to_string(s.failures);
  std::vector<std::string> parts;
  for (const auto& [mode, count] : s.failures_by_mode) {
    parts.push_back(mode + " " + std::to_string(count));
  }
  return line + " (" + Join(parts, ", ") + "), repairs " + std::to_string(s.repairs);
}

void PrintText(std::FILE* out, const SimFlags& flags, const sim::SimConfig& config,
               const sim::FleetSummary& s) {
  auto field = [out](const char* name, const std::string& value) {
    std::fprintf(out, "%-14s %s\n", name, value.c_str());
  };
  field("assets", std::to_string(s.assets) + " (seed " + std::to_string(config.seed) + ")");
  field("sites", std::to_string(s.sites.size()) + ": " + Join(s.sites, ", "));
  field("readings", std::to_string(s.rows) + " rows every " + FormatDuration(config.period_ms) +
                        ", " + FormatTimestamp(s.first_ms) + " .. " + FormatTimestamp(s.last_ms));
  field("failures", FailuresLine(s));
  field("maintenance", std::to_string(s.maintenance));
  field("sensor faults", std::to_string(s.sensor_faults));
  if (config.raw.rate_hz > 0) {
    field("waveforms", std::to_string(s.waveforms) + " bursts of " +
                           FormatDouble(config.raw.seconds) + " s at " +
                           FormatDouble(flags.raw_khz) + " kHz, every " +
                           FormatDuration(config.raw.every_ms));
  }
  field("files", Join(s.files, ", "));
}

void PrintJson(std::FILE* out, const sim::SimConfig& config, const sim::FleetSummary& s) {
  json doc = {
      {"assets", s.assets},
      {"sites", s.sites},
      {"seed", config.seed},
      {"period", FormatDuration(config.period_ms)},
      {"rows", s.rows},
      {"start", FormatTimestamp(s.first_ms)},
      {"end", FormatTimestamp(s.last_ms)},
      {"failures", {{"total", s.failures}, {"by_mode", s.failures_by_mode}}},
      {"repairs", s.repairs},
      {"maintenance", s.maintenance},
      {"sensor_faults", s.sensor_faults},
      {"waveforms", s.waveforms},
      {"files", s.files},
  };
  const std::string text = doc.dump(2, ' ', false, json::error_handler_t::replace);
  std::fprintf(out, "%s\n", text.c_str());
}

}  // namespace

int RunSim(const SimFlags& flags, FileSystem& fs, std::FILE* out, std::FILE* err) {
  Result<sim::SimConfig> config = ConfigFromFlags(flags, fs);
  if (!config.ok()) return Fail(err, config.status());

  // The wall clock only tells the person waiting how fast it goes.
  SystemClock clock;
  ProgressLine line(err, clock, flags.progress);
  const auto total_rows = static_cast<size_t>(config->steps() * config->assets);
  sim::ProgressCallback progress;
  if (flags.progress) {
    progress = [&](const sim::WriteProgress& p) {
      line.Update("sim: rows", static_cast<size_t>(p.rows_written), total_rows);
    };
  }
  sim::FleetSummary summary;
  Status status = sim::WriteFleet(*config, flags.out, fs, progress, &summary);
  line.Finish();
  if (!status.ok()) return Fail(err, status);

  if (flags.json) {
    PrintJson(out, *config, summary);
  } else {
    PrintText(out, flags, *config, summary);
  }
  return kExitOk;
}

}  // namespace edgeloop::app
