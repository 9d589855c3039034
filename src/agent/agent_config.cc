#include "agent/agent_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cmath>
#include <utility>

#include "api/sync.h"
#include "base/strings.h"
#include "base/time_format.h"

namespace edgeloop::agent {
namespace {

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  return base_dir + "/" + path;
}

// Typed reads from YAML nodes; every error names file:line and the key.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  Status Error(const YAML::Node& node, std::string_view key, std::string_view what) const {
    return InvalidArgument(file_ + ":" + std::to_string(node.Mark().line + 1) + ": " +
                           std::string(key) + ": " + std::string(what));
  }
  Status Keys(const YAML::Node& map, std::string_view where,
              std::initializer_list<std::string_view> known) const {
    if (!map.IsMap()) return Error(map, where, "expected a mapping");
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.as<std::string>("");
      bool ok = false;
      for (std::string_view k : known) ok = ok || key == k;
      if (!ok) {
        std::string list;
        for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        return Error(it->first, std::string(where) + (where.empty() ? "" : ".") + key,
                     "unknown key (expected one of " + list + ")");
      }
    }
    return Status::Ok();
  }
  Result<std::string> String(const YAML::Node& n, std::string_view key) const {
    if (!n.IsScalar() || n.Scalar().empty()) return Error(n, key, "expected a non-empty string");
    return n.Scalar();
  }
  Result<double> Number(const YAML::Node& n, std::string_view key) const {
    Result<double> v = n.IsScalar() ? ParseDouble(n.Scalar()) : InvalidArgument("");
    if (!v.ok() || !std::isfinite(*v)) return Error(n, key, "expected a number");
    return *v;
  }
  Result<int64_t> Int(const YAML::Node& n, std::string_view key, int64_t lo, int64_t hi) const {
    EL_ASSIGN_OR_RETURN(double v, Number(n, key));
    if (v != std::floor(v) || v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
      return Error(n, key, "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
    }
    return static_cast<int64_t>(v);
  }
  Result<bool> Bool(const YAML::Node& n, std::string_view key) const {
    bool value = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, value)) return Error(n, key, "expected true or false");
    return value;
  }
  Result<int64_t> Duration(const YAML::Node& n, std::string_view key) const {
    Result<int64_t> v = n.IsScalar() ? ParseDuration(n.Scalar()) : InvalidArgument("");
    if (!v.ok() || *v < 0) return Error(n, key, "expected a duration such as 500ms, 5s, 1m or 1h");
    return *v;
  }
  Result<std::vector<std::string>> Strings(const YAML::Node& n, std::string_view key) const {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
      return out;
    }
    if (!n.IsSequence() || n.size() == 0) return Error(n, key, "expected a list of strings");
    for (size_t i = 0; i < n.size(); ++i) {
      EL_ASSIGN_OR_RETURN(std::string s, String(n[i], std::string(key) + "[" + std::to_string(i) + "]"));
      out.push_back(std::move(s));
    }
    return out;
  }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

Result<io::ModbusPoint> ParsePoint(const Reader& r, const YAML::Node& n, const std::string& where) {
  EL_RETURN_IF_ERROR(
      r.Keys(n, where, {"asset", "signal", "address", "table", "type", "word_order", "scale", "offset"}));
  io::ModbusPoint p;
  if (!n["asset"] || !n["signal"] || !n["address"]) {
    return r.Error(n, where, "expected asset, signal and address");
  }
  EL_ASSIGN_OR_RETURN(p.asset, r.String(n["asset"], where + ".asset"));
  EL_ASSIGN_OR_RETURN(p.signal, r.String(n["signal"], where + ".signal"));
  EL_ASSIGN_OR_RETURN(int64_t address, r.Int(n["address"], where + ".address", 0, 65535));
  p.address = static_cast<int>(address);
  if (n["table"]) {
    Result<io::ModbusTable> t = io::ParseModbusTable(n["table"].Scalar());
    if (!t.ok()) return r.Error(n["table"], where + ".table", "expected holding or input");
    p.table = *t;
  }
  if (n["type"]) {
    Result<io::ModbusType> t = io::ParseModbusType(n["type"].Scalar());
    if (!t.ok()) return r.Error(n["type"], where + ".type", "expected uint16, int16, uint32, int32 or float32");
    p.type = *t;
  }
  if (n["word_order"]) {
    Result<io::WordOrder> w = io::ParseWordOrder(n["word_order"].Scalar());
    if (!w.ok()) return r.Error(n["word_order"], where + ".word_order", "expected big or little");
    p.word_order = *w;
  }
  if (n["scale"]) {
    EL_ASSIGN_OR_RETURN(p.scale, r.Number(n["scale"], where + ".scale"));
  }
  if (n["offset"]) {
    EL_ASSIGN_OR_RETURN(p.offset, r.Number(n["offset"], where + ".offset"));
  }
  return p;
}

Status ParsePoints(const Reader& r, const YAML::Node& list, const std::string& where,
                   std::vector<io::ModbusPoint>* out) {
  if (!list.IsSequence() || list.size() == 0) return r.Error(list, where, "expected a list of registers");
  for (size_t i = 0; i < list.size(); ++i) {
    EL_ASSIGN_OR_RETURN(io::ModbusPoint p, ParsePoint(r, list[i], where + "[" + std::to_string(i) + "]"));
    out->push_back(std::move(p));
  }
  return Status::Ok();
}

Result<YAML::Node> LoadYaml(std::string_view text, const std::string& file) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(file + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
}

Result<SourceConfig> ParseSource(const Reader& r, const YAML::Node& n, size_t index,
                                 const std::string& base_dir, const std::string& device,
                                 FileSystem& fs) {
  const std::string where = "sources[" + std::to_string(index) + "]";
  SourceConfig source;
  source.line = n.Mark().line + 1;
  if (!n.IsMap() || !n["kind"]) return r.Error(n, where, "expected a mapping with a kind");
  EL_ASSIGN_OR_RETURN(std::string kind, r.String(n["kind"], where + ".kind"));
  if (kind == "csv_replay") {
    EL_RETURN_IF_ERROR(r.Keys(n, where, {"kind", "format", "asset", "readings", "waveforms", "cwru", "speed", "max_rows_per_poll"}));
    io::CsvReplayConfig c;
    if (n["format"]) {
      EL_ASSIGN_OR_RETURN(std::string format, r.String(n["format"], where + ".format"));
      if (format == "skab") {
        c.format = io::ReplayFormat::kSkab;
      } else if (format != "readings") {
        return r.Error(n["format"], where + ".format", "expected readings or skab, got '" + format + "'");
      }
    }
    if (n["asset"]) {
      EL_ASSIGN_OR_RETURN(c.asset, r.String(n["asset"], where + ".asset"));
    }
    if (c.format == io::ReplayFormat::kSkab && (!n["readings"] || c.asset.empty())) {
      return r.Error(n, where, "format skab expects readings (a SKAB .csv file) and asset");
    }
    if (c.format != io::ReplayFormat::kSkab && n["asset"]) {
      return r.Error(n["asset"], where + ".asset", "asset is only for format skab");
    }
    if (n["readings"]) {
      EL_ASSIGN_OR_RETURN(std::string p, r.String(n["readings"], where + ".readings"));
      c.readings_path = Resolve(base_dir, p);
    }
    if (n["waveforms"]) {
      EL_ASSIGN_OR_RETURN(std::string p, r.String(n["waveforms"], where + ".waveforms"));
      c.waveforms_path = Resolve(base_dir, p);
    }
    if (n["cwru"]) {
      const YAML::Node w = n["cwru"];
      const std::string cw = where + ".cwru";
      EL_RETURN_IF_ERROR(r.Keys(w, cw, {"path", "asset", "signal", "rate_hz", "burst", "period", "start"}));
      if (!w["path"] || !w["asset"] || !w["start"]) return r.Error(w, cw, "expected path, asset and start");
      io::CwruReplayConfig cwru;
      EL_ASSIGN_OR_RETURN(std::string p, r.String(w["path"], cw + ".path"));
      cwru.path = Resolve(base_dir, p);
      EL_ASSIGN_OR_RETURN(cwru.asset, r.String(w["asset"], cw + ".asset"));
      if (w["signal"]) {
        EL_ASSIGN_OR_RETURN(cwru.signal, r.String(w["signal"], cw + ".signal"));
      }
      if (w["rate_hz"]) {
        EL_ASSIGN_OR_RETURN(cwru.rate_hz, r.Number(w["rate_hz"], cw + ".rate_hz"));
      }
      if (w["burst"]) {
        EL_ASSIGN_OR_RETURN(cwru.burst_ms, r.Duration(w["burst"], cw + ".burst"));
      }
      if (w["period"]) {
        EL_ASSIGN_OR_RETURN(cwru.period_ms, r.Duration(w["period"], cw + ".period"));
      }
      Result<int64_t> start = ParseTimestamp(w["start"].Scalar());
      if (!start.ok()) return r.Error(w["start"], cw + ".start", "expected a UTC timestamp such as 2026-01-01T00:00:00Z");
      cwru.start_ms = *start;
      c.cwru = cwru;
    }
    if (c.readings_path.empty() && c.waveforms_path.empty() && !c.cwru) {
      return r.Error(n, where, "expected readings, waveforms or cwru");
    }
    if (n["speed"]) {
      EL_ASSIGN_OR_RETURN(c.speed, r.Number(n["speed"], where + ".speed"));
      if (c.speed < 0) return r.Error(n["speed"], where + ".speed", "expected 0 (as fast as possible) or more");
    }
    if (n["max_rows_per_poll"]) {
      EL_ASSIGN_OR_RETURN(int64_t m, r.Int(n["max_rows_per_poll"], where + ".max_rows_per_poll", 1, 10'000'000));
      c.max_rows_per_poll = static_cast<size_t>(m);
    }
    source.config = std::move(c);
  } else if (kind == "modbus") {
    EL_RETURN_IF_ERROR(r.Keys(n, where, {"kind", "host", "port", "unit_id", "period", "timeout", "points", "map"}));
    io::ModbusSourceConfig c;
    if (n["host"]) {
      EL_ASSIGN_OR_RETURN(c.host, r.String(n["host"], where + ".host"));
    }
    if (n["port"]) {
      EL_ASSIGN_OR_RETURN(int64_t port, r.Int(n["port"], where + ".port", 1, 65535));
      c.port = static_cast<int>(port);
    }
    if (n["unit_id"]) {
      EL_ASSIGN_OR_RETURN(int64_t unit, r.Int(n["unit_id"], where + ".unit_id", 0, 255));
      c.unit_id = static_cast<int>(unit);
    }
    if (n["period"]) {
      EL_ASSIGN_OR_RETURN(c.period_ms, r.Duration(n["period"], where + ".period"));
    }
    if (n["timeout"]) {
      EL_ASSIGN_OR_RETURN(int64_t t, r.Duration(n["timeout"], where + ".timeout"));
      c.timeout_ms = static_cast<int>(t);
    }
    if (n["points"]) EL_RETURN_IF_ERROR(ParsePoints(r, n["points"], where + ".points", &c.points));
    if (n["map"]) {
      EL_ASSIGN_OR_RETURN(std::string p, r.String(n["map"], where + ".map"));
      const std::string map_path = Resolve(base_dir, p);
      EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(map_path));
      EL_ASSIGN_OR_RETURN(YAML::Node map, LoadYaml(text, map_path));
      EL_RETURN_IF_ERROR(ParsePoints(Reader(map_path), map, "registers", &c.points));
    }
    if (c.points.empty()) return r.Error(n, where, "expected points or map");
    Status valid = c.Validate();
    if (!valid.ok()) return valid.WithContext(r.file() + ":" + std::to_string(source.line) + ": " + where);
    source.config = std::move(c);
  } else if (kind == "mqtt") {
    EL_RETURN_IF_ERROR(r.Keys(n, where, {"kind", "host", "port", "client_id", "topics", "qos", "keepalive", "max_queue"}));
    io::MqttSourceConfig c;
    c.client_id = "edgeloop-agent-" + device;
    if (n["host"]) {
      EL_ASSIGN_OR_RETURN(c.host, r.String(n["host"], where + ".host"));
    }
    if (n["port"]) {
      EL_ASSIGN_OR_RETURN(int64_t port, r.Int(n["port"], where + ".port", 1, 65535));
      c.port = static_cast<int>(port);
    }
    if (n["client_id"]) {
      EL_ASSIGN_OR_RETURN(c.client_id, r.String(n["client_id"], where + ".client_id"));
    }
    if (!n["topics"]) return r.Error(n, where, "expected topics");
    EL_ASSIGN_OR_RETURN(c.topics, r.Strings(n["topics"], where + ".topics"));
    if (n["qos"]) {
      EL_ASSIGN_OR_RETURN(int64_t qos, r.Int(n["qos"], where + ".qos", 0, 2));
      c.qos = static_cast<int>(qos);
    }
    if (n["keepalive"]) {
      EL_ASSIGN_OR_RETURN(int64_t k, r.Duration(n["keepalive"], where + ".keepalive"));
      c.keepalive_s = static_cast<int>(std::max<int64_t>(5, k / 1000));
    }
    if (n["max_queue"]) {
      EL_ASSIGN_OR_RETURN(int64_t m, r.Int(n["max_queue"], where + ".max_queue", 1, 100'000'000));
      c.max_queue = static_cast<size_t>(m);
    }
    source.config = std::move(c);
  } else {
    return r.Error(n["kind"], where + ".kind", "unknown source kind '" + kind + "' (expected csv_replay, modbus or mqtt)");
  }
  return source;
}

Result<ServerConfig> ParseServer(const Reader& r, const YAML::Node& n, const std::string& base_dir,
                                 const std::string& device) {
  EL_RETURN_IF_ERROR(
      r.Keys(n, "server", {"url", "device_id", "token_file", "sync_period_s", "batch_records"}));
  ServerConfig server;
  server.line = n.Mark().line + 1;
  if (!n["url"]) {
    return r.Error(n, "server.url", "missing (the server's base URL, http://host:port)");
  }
  EL_ASSIGN_OR_RETURN(server.url, r.String(n["url"], "server.url"));
  if (!StartsWith(server.url, "http://") && !StartsWith(server.url, "https://")) {
    return r.Error(n["url"], "server.url", "expected a URL starting with http:// or https://");
  }
  server.device_id = device;
  if (n["device_id"]) {
    EL_ASSIGN_OR_RETURN(server.device_id, r.String(n["device_id"], "server.device_id"));
  }
  for (char ch : server.device_id) {
    // The id is a segment of the sync URL.
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') {
      return r.Error(n["device_id"] ? n["device_id"] : n, "server.device_id",
                     "expected letters, digits, '-', '_' or '.' (the device id is part of the "
                     "sync URL)");
    }
  }
  if (!n["token_file"]) {
    return r.Error(n, "server.token_file", "missing (the file that holds the device's token)");
  }
  EL_ASSIGN_OR_RETURN(std::string token_file, r.String(n["token_file"], "server.token_file"));
  server.token_file = Resolve(base_dir, token_file);
  if (n["sync_period_s"]) {
    EL_ASSIGN_OR_RETURN(server.sync_period_s,
                        r.Int(n["sync_period_s"], "server.sync_period_s", 1, 7 * 24 * 3600));
  }
  if (n["batch_records"]) {
    EL_ASSIGN_OR_RETURN(server.batch_records,
                        r.Int(n["batch_records"], "server.batch_records", 1,
                              static_cast<int64_t>(api::kMaxSyncRecords)));
  }
  return server;
}

}  // namespace

bool SourceConfig::live() const {
  // A replay keeps the file's timestamps whatever its speed: only readings close its windows.
  return !std::holds_alternative<io::CsvReplayConfig>(config);
}

std::string_view SourceConfig::kind() const {
  if (std::holds_alternative<io::CsvReplayConfig>(config)) return "csv_replay";
  if (std::holds_alternative<io::ModbusSourceConfig>(config)) return "modbus";
  return "mqtt";
}

Result<int64_t> ParseByteSize(std::string_view text) {
  std::string t(Trim(text));
  size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
  Result<double> number = ParseDouble(t.substr(0, i));
  std::string unit(Trim(std::string_view(t).substr(i)));
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  if (unit == "KB" || unit == "KIB") scale = 1024;
  if (unit == "MB" || unit == "MIB") scale = 1024.0 * 1024;
  if (unit == "GB" || unit == "GIB") scale = 1024.0 * 1024 * 1024;
  if (!number.ok() || scale == 0 || *number <= 0) {
    return InvalidArgument("size '" + std::string(text) + "': expected a number with B, KB, MB or GB");
  }
  return static_cast<int64_t>(*number * scale);
}

Result<AgentConfig> AgentConfig::Load(const std::string& path, FileSystem& fs) {
  EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path));
  return Parse(text, path, fs);
}

Result<AgentConfig> AgentConfig::Parse(std::string_view yaml, const std::string& path, FileSystem& fs) {
  Reader r(path);
  EL_ASSIGN_OR_RETURN(YAML::Node root, LoadYaml(yaml, path));
  if (!root.IsMap()) return InvalidArgument(path + ": expected a mapping at the top");
  EL_RETURN_IF_ERROR(r.Keys(root, "", {"device", "data_dir", "trust", "listen", "outbox", "probation",
                                       "live_lateness", "resume_warmup_windows", "log_level", "sources",
                                       "top_contributions", "server"}));
  const std::string base_dir = DirOf(path);
  AgentConfig c;
  c.path = path;
  if (!root["device"]) return r.Error(root, "device", "missing (the device id)");
  EL_ASSIGN_OR_RETURN(c.device_id, r.String(root["device"], "device"));
  c.options.device_id = c.device_id;
  if (!root["data_dir"]) return r.Error(root, "data_dir", "missing");
  EL_ASSIGN_OR_RETURN(std::string data_dir, r.String(root["data_dir"], "data_dir"));
  c.data_dir = Resolve(base_dir, data_dir);
  if (!root["trust"]) return r.Error(root, "trust", "missing (public key files of trusted signers)");
  EL_ASSIGN_OR_RETURN(std::vector<std::string> trust, r.Strings(root["trust"], "trust"));
  for (const std::string& t : trust) c.trust.push_back(Resolve(base_dir, t));
  if (root["listen"]) {
    EL_ASSIGN_OR_RETURN(std::string listen, r.String(root["listen"], "listen"));
    if (listen == "off") {
      c.listen_port = -1;
    } else {
      size_t colon = listen.rfind(':');
      Result<double> port = colon == std::string::npos ? InvalidArgument("") : ParseDouble(listen.substr(colon + 1));
      if (!port.ok() || *port < 0 || *port > 65535 || colon == 0) {
        return r.Error(root["listen"], "listen", "expected HOST:PORT (port 0 picks a free one) or off");
      }
      c.listen_host = listen.substr(0, colon);
      c.listen_port = static_cast<int>(*port);
    }
  }
  if (root["log_level"]) {
    EL_ASSIGN_OR_RETURN(c.log_level, r.String(root["log_level"], "log_level"));
  }
  if (root["outbox"]) {
    const YAML::Node o = root["outbox"];
    EL_RETURN_IF_ERROR(r.Keys(o, "outbox", {"quota", "feature_rows"}));
    if (o["quota"]) {
      Result<int64_t> quota = ParseByteSize(o["quota"].Scalar());
      if (!quota.ok()) return r.Error(o["quota"], "outbox.quota", quota.status().message());
      c.outbox_quota_bytes = *quota;
    }
    if (o["feature_rows"]) {
      EL_ASSIGN_OR_RETURN(c.options.feature_rows, r.Bool(o["feature_rows"], "outbox.feature_rows"));
    }
  }
  if (root["probation"]) {
    const YAML::Node p = root["probation"];
    EL_RETURN_IF_ERROR(r.Keys(p, "probation", {"windows", "max_error_rate", "max_p99_latency"}));
    if (p["windows"]) {
      EL_ASSIGN_OR_RETURN(c.options.probation.windows, r.Int(p["windows"], "probation.windows", 1, 1'000'000));
    }
    if (p["max_error_rate"]) {
      EL_ASSIGN_OR_RETURN(c.options.probation.max_error_rate, r.Number(p["max_error_rate"], "probation.max_error_rate"));
    }
    if (p["max_p99_latency"]) {
      EL_ASSIGN_OR_RETURN(int64_t ms, r.Duration(p["max_p99_latency"], "probation.max_p99_latency"));
      c.options.probation.max_p99_latency_us = ms * 1000;
    }
  }
  if (root["live_lateness"]) {
    EL_ASSIGN_OR_RETURN(c.options.live_lateness_ms, r.Duration(root["live_lateness"], "live_lateness"));
  }
  if (root["resume_warmup_windows"]) {
    EL_ASSIGN_OR_RETURN(c.options.resume_warmup_windows,
                        r.Int(root["resume_warmup_windows"], "resume_warmup_windows", 0, 100'000));
  }
  if (root["top_contributions"]) {
    EL_ASSIGN_OR_RETURN(int64_t top, r.Int(root["top_contributions"], "top_contributions", 0, 100));
    c.options.top_contributions = static_cast<int>(top);
  }
  if (root["server"]) {
    EL_ASSIGN_OR_RETURN(c.server, ParseServer(r, root["server"], base_dir, c.device_id));
  }
  if (!root["sources"] || !root["sources"].IsSequence() || root["sources"].size() == 0) {
    return InvalidArgument(path + ": sources: expected a list of at least one source");
  }
  const YAML::Node sources = root["sources"];
  for (size_t i = 0; i < sources.size(); ++i) {
    EL_ASSIGN_OR_RETURN(SourceConfig s, ParseSource(r, sources[i], i, base_dir, c.device_id, fs));
    c.sources.push_back(std::move(s));
  }
  return c;
}

}  // namespace edgeloop::agent
