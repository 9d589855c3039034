#include "io/modbus_source.h"

#include "io/internal/modbus_library.h"

#include <modbus.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <map>
#include <set>
#include <utility>

namespace edgeloop::io {
namespace {

constexpr int kMaxRegistersPerRequest = 125;

std::string PointName(const ModbusPoint& point) {
  return "modbus point " + point.asset + "/" + point.signal;
}

}  // namespace

Result<ModbusTable> ParseModbusTable(std::string_view text) {
  if (text == "holding") return ModbusTable::kHolding;
  if (text == "input") return ModbusTable::kInput;
  return InvalidArgument("modbus table '" + std::string(text) + "': expected holding or input");
}

Result<ModbusType> ParseModbusType(std::string_view text) {
  if (text == "uint16") return ModbusType::kUint16;
  if (text == "int16") return ModbusType::kInt16;
  if (text == "uint32") return ModbusType::kUint32;
  if (text == "int32") return ModbusType::kInt32;
  if (text == "float32") return ModbusType::kFloat32;
  return InvalidArgument("modbus type '" + std::string(text) +
                         "': expected uint16, int16, uint32, int32 or float32");
}

Result<WordOrder> ParseWordOrder(std::string_view text) {
  if (text == "big") return WordOrder::kBig;
  if (text == "little") return WordOrder::kLittle;
  return InvalidArgument("modbus word order '" + std::string(text) + "': expected big or little");
}

std::string_view ModbusTableName(ModbusTable table) {
  return table == ModbusTable::kHolding ? "holding" : "input";
}

std::string_view ModbusTypeName(ModbusType type) {
  switch (type) {
    case ModbusType::kUint16: return "uint16";
    case ModbusType::kInt16: return "int16";
    case ModbusType::kUint32: return "uint32";
    case ModbusType::kInt32: return "int32";
    case ModbusType::kFloat32: return "float32";
  }
  return "?";
}

int RegisterCount(ModbusType type) {
  return type == ModbusType::kUint16 || type == ModbusType::kInt16 ? 1 : 2;
}

Status ModbusSourceConfig::Validate() const {
  const std::string device = "modbus device " + host + ":" + std::to_string(port);
  if (host.empty()) return InvalidArgument("modbus device: host is empty");
  if (port < 1 || port > 65535) return InvalidArgument(device + ": port must be 1..65535");
  if (unit_id < 0 || unit_id > 255) return InvalidArgument(device + ": unit_id must be 0..255");
  if (period_ms <= 0) return InvalidArgument(device + ": period_ms must be positive");
  if (timeout_ms <= 0) return InvalidArgument(device + ": timeout_ms must be positive");
  if (points.empty()) return InvalidArgument(device + ": no points");
  std::set<std::pair<std::string, std::string>> names;
  // (table, first register) -> index of the point, to find overlaps.
  std::map<std::pair<ModbusTable, int>, size_t> starts;
  for (size_t i = 0; i < points.size(); ++i) {
    const ModbusPoint& p = points[i];
    if (p.asset.empty() || p.signal.empty()) {
      return InvalidArgument(device + ": point " + std::to_string(i) +
                             " needs an asset and a signal");
    }
    if (!names.emplace(p.asset, p.signal).second) {
      return InvalidArgument(PointName(p) + ": defined twice");
    }
    if (p.address < 0 || p.address + RegisterCount(p.type) - 1 > 65535) {
      return InvalidArgument(PointName(p) + ": address " + std::to_string(p.address) +
                             " is outside 0..65535 for a " + std::string(ModbusTypeName(p.type)));
    }
    if (!std::isfinite(p.scale) || !std::isfinite(p.offset)) {
      return InvalidArgument(PointName(p) + ": scale and offset must be finite numbers");
    }
    starts.emplace(std::make_pair(p.table, p.address), i);
  }
  if (starts.size() != points.size()) {
    // Two points start at the same register of one table.
    std::map<std::pair<ModbusTable, int>, size_t> seen;
    for (size_t i = 0; i < points.size(); ++i) {
      auto [it, inserted] = seen.emplace(std::make_pair(points[i].table, points[i].address), i);
      if (!inserted) {
        return InvalidArgument(PointName(points[i]) + ": register " +
                               std::to_string(points[i].address) + " overlaps " +
                               PointName(points[it->second]));
      }
    }
  }
  const ModbusPoint* previous = nullptr;
  for (const auto& [key, index] : starts) {
    const ModbusPoint& p = points[index];
    if (previous != nullptr && previous->table == p.table &&
        previous->address + RegisterCount(previous->type) > p.address) {
      return InvalidArgument(PointName(p) + ": register " + std::to_string(p.address) +
                             " overlaps " + PointName(*previous));
    }
    previous = &p;
  }
  return Status::Ok();
}

std::vector<ModbusReadRequest> PlanModbusReads(const std::vector<ModbusPoint>& points) {
  std::vector<std::pair<ModbusTable, std::pair<int, int>>> spans;  // table, (first, count)
  for (const ModbusPoint& p : points) spans.push_back({p.table, {p.address, RegisterCount(p.type)}});
  std::sort(spans.begin(), spans.end());
  std::vector<ModbusReadRequest> plan;
  for (const auto& [table, span] : spans) {
    const auto [first, count] = span;
    if (!plan.empty() && plan.back().table == table &&
        plan.back().address + plan.back().count == first &&
        plan.back().count + count <= kMaxRegistersPerRequest) {
      plan.back().count += count;
    } else {
      plan.push_back({table, first, count});
    }
  }
  return plan;
}

double DecodeModbusValue(const ModbusPoint& point, const uint16_t* registers) {
  const uint32_t high = point.word_order == WordOrder::kBig ? registers[0] : registers[1];
  const uint32_t low = point.word_order == WordOrder::kBig ? registers[1] : registers[0];
  double raw = 0;
  switch (point.type) {
    case ModbusType::kUint16: raw = registers[0]; break;
    case ModbusType::kInt16: raw = static_cast<int16_t>(registers[0]); break;
    case ModbusType::kUint32: raw = (high << 16) | low; break;
    case ModbusType::kInt32: raw = static_cast<int32_t>((high << 16) | low); break;
    case ModbusType::kFloat32: raw = std::bit_cast<float>((high << 16) | low); break;
  }
  return raw * point.scale + point.offset;
}

Result<std::unique_ptr<ModbusSource>> ModbusSource::Create(const ModbusSourceConfig& config) {
  EL_RETURN_IF_ERROR(config.Validate());
  EL_RETURN_IF_ERROR(internal::LoadModbusLibrary());
  std::unique_ptr<ModbusSource> source(new ModbusSource(config));
  source->ctx_ = modbus_new_tcp(config.host.c_str(), config.port);
  if (source->ctx_ == nullptr) {
    return InvalidArgument("modbus device " + source->Endpoint() + ": " +
                           modbus_strerror(errno));
  }
  modbus_set_slave(source->ctx_, config.unit_id);
  const auto timeout_us = static_cast<uint32_t>(config.timeout_ms) * 1000u;
  modbus_set_response_timeout(source->ctx_, timeout_us / 1000000u, timeout_us % 1000000u);
  return source;
}

ModbusSource::ModbusSource(const ModbusSourceConfig& config)
    : config_(config), plan_(PlanModbusReads(config.points)) {
  for (const ModbusPoint& p : config_.points) {
    if (std::find(assets_.begin(), assets_.end(), p.asset) == assets_.end()) {
      assets_.push_back(p.asset);
    }
  }
}

ModbusSource::~ModbusSource() {
  if (ctx_ == nullptr) return;
  if (connected_) modbus_close(ctx_);
  modbus_free(ctx_);
}

std::string ModbusSource::Endpoint() const {
  return config_.host + ":" + std::to_string(config_.port);
}

Status ModbusSource::Fail(const std::string& what) {
  const std::string reason = modbus_strerror(errno);
  ++failures_;
  if (connected_) modbus_close(ctx_);
  connected_ = false;
  return Unavailable("modbus device " + Endpoint() + ": " + what + ": " + reason);
}

Status ModbusSource::Poll(int64_t now_ms, SourceBatch* batch) {
  if (next_due_ms_ && now_ms < *next_due_ms_) return Status::Ok();
  // Keep the cycle grid unless the agent fell a whole period behind.
  next_due_ms_ = next_due_ms_ && now_ms - *next_due_ms_ < config_.period_ms
                     ? *next_due_ms_ + config_.period_ms
                     : now_ms + config_.period_ms;
  ++cycles_;
  return ReadCycle(now_ms, batch);
}

Status ModbusSource::ReadCycle(int64_t now_ms, SourceBatch* batch) {
  if (!connected_) {
    if (modbus_connect(ctx_) != 0) return Fail("cannot connect");
    connected_ = true;
  }
  // registers[table][address] for the addresses the plan covers.
  std::map<std::pair<ModbusTable, int>, uint16_t> registers;
  std::vector<uint16_t> buffer(kMaxRegistersPerRequest);
  for (const ModbusReadRequest& request : plan_) {
    const int read = request.table == ModbusTable::kHolding
                         ? modbus_read_registers(ctx_, request.address, request.count,
                                                 buffer.data())
                         : modbus_read_input_registers(ctx_, request.address, request.count,
                                                       buffer.data());
    if (read != request.count) {
      return Fail("reading " + std::to_string(request.count) + " " +
                  std::string(ModbusTableName(request.table)) + " registers at " +
                  std::to_string(request.address));
    }
    for (int i = 0; i < request.count; ++i) {
      registers[{request.table, request.address + i}] = buffer[static_cast<size_t>(i)];
    }
  }
  for (const std::string& asset : assets_) {
    SourceRow row;
    row.asset = asset;
    row.time_ms = now_ms;
    for (const ModbusPoint& p : config_.points) {
      if (p.asset != asset) continue;
      uint16_t raw[2] = {registers[{p.table, p.address}], 0};
      if (RegisterCount(p.type) == 2) raw[1] = registers[{p.table, p.address + 1}];
      row.signals.push_back(p.signal);
      row.values.push_back(DecodeModbusValue(p, raw));
    }
    batch->rows.push_back(std::move(row));
  }
  return Status::Ok();
}

std::optional<int64_t> ModbusSource::NextDueMs(int64_t now_ms) const {
  return next_due_ms_ ? std::max(*next_due_ms_, now_ms) : now_ms;
}

}  // namespace edgeloop::io
