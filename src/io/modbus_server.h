// ModbusServer: a small Modbus TCP device (libmodbus) on 127.0.0.1, serving holding and input
// registers from a map its owner updates — the PLC stand-in of tests and `edgeloop sim serve`.
//
// Start binds host:port (127.0.0.1 unless told otherwise; 0 picks a free port; port() reports the bound one) and serves
// any number of clients on its own thread (one select loop). Every register of both tables
// (0..65535) exists and starts at 0. The setters are thread-safe and atomic per call: a reply
// never sees half of one Set. Stop (also run by the destructor) closes every connection and
// joins the thread. Start returns Unavailable when the port cannot be bound.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "io/modbus_source.h"

typedef struct _modbus modbus_t;
typedef struct _modbus_mapping_t modbus_mapping_t;

namespace edgeloop::io {

class ModbusServer {
 public:
  static Result<std::unique_ptr<ModbusServer>> Start(int port = 0,
                                                     const std::string& host = "127.0.0.1");
  ~ModbusServer();
  ModbusServer(const ModbusServer&) = delete;
  ModbusServer& operator=(const ModbusServer&) = delete;

  int port() const { return port_; }
  // Writes consecutive registers from `address`; values past 65535 are ignored.
  void SetRegisters(ModbusTable table, int address, const std::vector<uint16_t>& values);
  void SetHolding(int address, const std::vector<uint16_t>& values) {
    SetRegisters(ModbusTable::kHolding, address, values);
  }
  void SetInput(int address, const std::vector<uint16_t>& values) {
    SetRegisters(ModbusTable::kInput, address, values);
  }
  // Two registers in the given word order (big: high word first).
  void SetFloat32(ModbusTable table, int address, float value,
                  WordOrder order = WordOrder::kBig);
  void SetUint32(ModbusTable table, int address, uint32_t value,
                 WordOrder order = WordOrder::kBig);
  void Stop();
  uint64_t requests_served() const { return requests_served_.load(); }

 private:
  ModbusServer() = default;
  void Serve();

  modbus_t* ctx_ = nullptr;
  modbus_mapping_t* mapping_ = nullptr;
  std::mutex mapping_mu_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // a pipe: Stop writes, the select loop wakes
  int port_ = 0;
  std::thread thread_;
  std::atomic<uint64_t> requests_served_{0};
};

}  // namespace edgeloop::io
