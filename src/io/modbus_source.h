// ModbusSource: a Source that reads a pump PLC's registers over Modbus TCP (libmodbus).
//
// A ModbusSourceConfig maps registers to (asset, signal) points: 16-bit or 32-bit integers or
// float32 (two registers, big or little word order), holding or input table, value =
// raw * scale + offset. When a cycle is due (every period_ms), Poll reads every point with as
// few requests as possible (contiguous registers of one table coalesced, at most 125 registers
// per request) and appends ONE row per asset stamped with the poll time.
//
// Errors: Validate/Create return InvalidArgument naming the bad point. A connection or read
// failure makes Poll return Unavailable naming host:port; the link is closed and reconnected at
// the next due cycle (no sleeping, no retry loop). Counters: cycles(), failures().
// Not thread-safe (one agent thread polls it); owns its libmodbus context.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "io/source.h"

typedef struct _modbus modbus_t;

namespace edgeloop::io {

enum class ModbusTable { kHolding, kInput };
enum class ModbusType { kUint16, kInt16, kUint32, kInt32, kFloat32 };
enum class WordOrder { kBig, kLittle };  // big: high word at the lower address

// "holding" / "input"; "uint16" / "int16" / "uint32" / "int32" / "float32"; "big" / "little".
Result<ModbusTable> ParseModbusTable(std::string_view text);
Result<ModbusType> ParseModbusType(std::string_view text);
Result<WordOrder> ParseWordOrder(std::string_view text);
std::string_view ModbusTableName(ModbusTable table);
std::string_view ModbusTypeName(ModbusType type);
int RegisterCount(ModbusType type);  // 1 or 2

struct ModbusPoint {
  std::string asset;
  std::string signal;
  int address = 0;  // 0-based register address
  ModbusTable table = ModbusTable::kHolding;
  ModbusType type = ModbusType::kUint16;
  WordOrder word_order = WordOrder::kBig;  // for 32-bit types
  double scale = 1;
  double offset = 0;
};

struct ModbusSourceConfig {
  std::string host = "127.0.0.1";
  int port = 502;
  int unit_id = 1;
  int64_t period_ms = 1000;
  int timeout_ms = 500;
  std::vector<ModbusPoint> points;

  // InvalidArgument naming the point or field: empty names, duplicate asset/signal, overlapping
  // registers, address out of 0..65535, non-finite scale/offset, bad port/unit/period/timeout.
  Status Validate() const;
};

// One read request of the plan.
struct ModbusReadRequest {
  ModbusTable table = ModbusTable::kHolding;
  int address = 0;
  int count = 0;
};

// The fewest requests that cover `points` (contiguous registers of one table, <= 125 each).
std::vector<ModbusReadRequest> PlanModbusReads(const std::vector<ModbusPoint>& points);
// The engineering value of a point from its raw registers (RegisterCount(point.type) of them).
double DecodeModbusValue(const ModbusPoint& point, const uint16_t* registers);

class ModbusSource final : public Source {
 public:
  // Validates the config; connects at the first Poll.
  static Result<std::unique_ptr<ModbusSource>> Create(const ModbusSourceConfig& config);
  ~ModbusSource() override;
  ModbusSource(const ModbusSource&) = delete;
  ModbusSource& operator=(const ModbusSource&) = delete;

  std::string_view kind() const override { return "modbus"; }
  Status Poll(int64_t now_ms, SourceBatch* batch) override;
  std::optional<int64_t> NextDueMs(int64_t now_ms) const override;

  uint64_t cycles() const { return cycles_; }      // read cycles attempted
  uint64_t failures() const { return failures_; }  // cycles that ended Unavailable
  const std::vector<ModbusReadRequest>& plan() const { return plan_; }

 private:
  explicit ModbusSource(const ModbusSourceConfig& config);
  std::string Endpoint() const;
  Status Fail(const std::string& what);
  Status ReadCycle(int64_t now_ms, SourceBatch* batch);

  ModbusSourceConfig config_;
  std::vector<ModbusReadRequest> plan_;
  std::vector<std::string> assets_;  // in order of first appearance in the config
  modbus_t* ctx_ = nullptr;
  bool connected_ = false;
  std::optional<int64_t> next_due_ms_;
  uint64_t cycles_ = 0;
  uint64_t failures_ = 0;
};

}  // namespace edgeloop::io
