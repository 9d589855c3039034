#include "base/log.h"

namespace edgeloop {
namespace {

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
    case LogLevel::kOff: return "off";
  }
  return "info";
}

}  // namespace

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError,
                     LogLevel::kOff}) {
    if (text == LevelName(l)) {
      *level = l;
      return true;
    }
  }
  *level = LogLevel::kInfo;
  return false;
}

void Logger::Log(LogLevel level, std::string_view msg) {
  if (!Enabled(level)) return;
  Write(level, msg);
}

void Logger::Write(LogLevel level, std::string_view msg) {
  if (out_ == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  std::fprintf(out_, "[%s] %.*s\n", LevelName(level), static_cast<int>(msg.size()), msg.data());
  std::fflush(out_);
}

void CapturingLogger::Write(LogLevel level, std::string_view msg) {
  std::lock_guard<std::mutex> lock(lines_mu_);
  lines_.push_back(std::string(LevelName(level)) + ": " + std::string(msg));
}

}  // namespace edgeloop
