// Logger: leveled, line-oriented messages to a stream (stderr by default).
//
// Passed to the components that log, never global. A Logger with level kOff is silent; tests
// use a CapturingLogger to assert on what was said. Thread-safe.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace edgeloop {

enum class LogLevel { kDebug = 0, kInfo, kWarn, kError, kOff };

// "debug", "info", "warn", "error", "off"; anything else gives kInfo and false.
bool ParseLogLevel(std::string_view text, LogLevel* level);

class Logger {
 public:
  explicit Logger(LogLevel level = LogLevel::kInfo, std::FILE* out = stderr)
      : level_(level), out_(out) {}
  virtual ~Logger() = default;

  LogLevel level() const { return level_; }
  void set_level(LogLevel level) { level_ = level; }
  bool Enabled(LogLevel level) const { return level >= level_ && level_ != LogLevel::kOff; }

  void Debug(std::string_view msg) { Log(LogLevel::kDebug, msg); }
  void Info(std::string_view msg) { Log(LogLevel::kInfo, msg); }
  void Warn(std::string_view msg) { Log(LogLevel::kWarn, msg); }
  void Error(std::string_view msg) { Log(LogLevel::kError, msg); }
  void Log(LogLevel level, std::string_view msg);

 protected:
  virtual void Write(LogLevel level, std::string_view msg);

 private:
  LogLevel level_;
  std::FILE* out_;
  std::mutex mu_;
};

// Keeps every line it is given, for tests.
class CapturingLogger final : public Logger {
 public:
  CapturingLogger() : Logger(LogLevel::kDebug, nullptr) {}
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(lines_mu_);
    return lines_;
  }

 protected:
  void Write(LogLevel level, std::string_view msg) override;

 private:
  std::mutex lines_mu_;
  std::vector<std::string> lines_;
};

}  // namespace edgeloop
