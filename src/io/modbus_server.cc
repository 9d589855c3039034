#include "io/modbus_server.h"

#include "io/internal/modbus_library.h"

#include <modbus.h>
#include <netinet/in.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

namespace edgeloop::io {
namespace {

constexpr int kRegisters = 65536;

}  // namespace

Result<std::unique_ptr<ModbusServer>> ModbusServer::Start(int port, const std::string& host) {
  EL_RETURN_IF_ERROR(internal::LoadModbusLibrary());
  std::unique_ptr<ModbusServer> server(new ModbusServer());
  server->ctx_ = modbus_new_tcp(host.c_str(), port);
  if (server->ctx_ == nullptr) {
    return Internal(std::string("modbus server: ") + modbus_strerror(errno));
  }
  server->mapping_ = modbus_mapping_new(0, 0, kRegisters, kRegisters);
  if (server->mapping_ == nullptr) {
    return Internal(std::string("modbus server: register map: ") + modbus_strerror(errno));
  }
  server->listen_fd_ = modbus_tcp_listen(server->ctx_, 16);
  if (server->listen_fd_ < 0) {
    return Unavailable("modbus server: cannot listen on " + host + ":" + std::to_string(port) +
                       ": " + modbus_strerror(errno));
  }
  sockaddr_in addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(server->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return IoError(std::string("modbus server: getsockname: ") + std::strerror(errno));
  }
  server->port_ = ntohs(addr.sin_port);
  if (::pipe(server->wake_fds_) != 0) {
    return IoError(std::string("modbus server: pipe: ") + std::strerror(errno));
  }
  server->thread_ = std::thread([s = server.get()] { s->Serve(); });
  return server;
}

ModbusServer::~ModbusServer() {
  Stop();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  for (int fd : wake_fds_) {
    if (fd >= 0) ::close(fd);
  }
  if (mapping_ != nullptr) modbus_mapping_free(mapping_);
  if (ctx_ != nullptr) modbus_free(ctx_);
}

void ModbusServer::Stop() {
  if (!thread_.joinable()) return;
  const char byte = 1;
  while (::write(wake_fds_[1], &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
}

void ModbusServer::Serve() {
  std::vector<int> clients;
  std::vector<uint8_t> query(MODBUS_TCP_MAX_ADU_LENGTH);
  while (true) {
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(wake_fds_[0], &readable);
    FD_SET(listen_fd_, &readable);
    int max_fd = std::max(wake_fds_[0], listen_fd_);
    for (int fd : clients) {
      FD_SET(fd, &readable);
      max_fd = std::max(max_fd, fd);
    }
    if (::select(max_fd + 1, &readable, nullptr, nullptr, nullptr) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (FD_ISSET(wake_fds_[0], &readable)) break;
    if (FD_ISSET(listen_fd_, &readable)) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd >= 0) {
        if (fd < FD_SETSIZE) {
          clients.push_back(fd);
        } else {
          ::close(fd);
        }
      }
    }
    for (auto it = clients.begin(); it != clients.end();) {
      if (!FD_ISSET(*it, &readable)) {
        ++it;
        continue;
      }
      modbus_set_socket(ctx_, *it);
      const int length = modbus_receive(ctx_, query.data());
      if (length > 0) {
        std::lock_guard<std::mutex> lock(mapping_mu_);
        // Counted before the reply goes out, so a client that has its answer sees the count.
        requests_served_.fetch_add(1);
        modbus_reply(ctx_, query.data(), length, mapping_);
      }
      if (length < 0) {  // the client left or sent garbage
        ::close(*it);
        it = clients.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (int fd : clients) ::close(fd);
  modbus_set_socket(ctx_, -1);
}

void ModbusServer::SetRegisters(ModbusTable table, int address,
                                const std::vector<uint16_t>& values) {
  std::lock_guard<std::mutex> lock(mapping_mu_);
  uint16_t* target = table == ModbusTable::kHolding ? mapping_->tab_registers
                                                    : mapping_->tab_input_registers;
  for (size_t i = 0; i < values.size(); ++i) {
    const int64_t at = static_cast<int64_t>(address) + static_cast<int64_t>(i);
    if (at >= 0 && at < kRegisters) target[at] = values[i];
  }
}

void ModbusServer::SetUint32(ModbusTable table, int address, uint32_t value, WordOrder order) {
  const auto high = static_cast<uint16_t>(value >> 16);
  const auto low = static_cast<uint16_t>(value & 0xFFFFu);
  SetRegisters(table, address,
               order == WordOrder::kBig ? std::vector<uint16_t>{high, low}
                                        : std::vector<uint16_t>{low, high});
}

void ModbusServer::SetFloat32(ModbusTable table, int address, float value, WordOrder order) {
  SetUint32(table, address, std::bit_cast<uint32_t>(value), order);
}

}  // namespace edgeloop::io
