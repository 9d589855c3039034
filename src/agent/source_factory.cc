#include "agent/source_factory.h"

#include <utility>

namespace edgeloop::agent {

Result<std::unique_ptr<io::Source>> OpenSource(const SourceConfig& source, FileSystem& fs) {
  if (const auto* c = std::get_if<io::CsvReplayConfig>(&source.config)) {
    EL_ASSIGN_OR_RETURN(io::CsvReplaySource replay, io::CsvReplaySource::Open(*c, fs));
    return std::unique_ptr<io::Source>(std::make_unique<io::CsvReplaySource>(std::move(replay)));
  }
  if (const auto* c = std::get_if<io::ModbusSourceConfig>(&source.config)) {
    EL_ASSIGN_OR_RETURN(std::unique_ptr<io::ModbusSource> modbus, io::ModbusSource::Create(*c));
    return std::unique_ptr<io::Source>(std::move(modbus));
  }
  const auto& c = std::get<io::MqttSourceConfig>(source.config);
  EL_ASSIGN_OR_RETURN(std::unique_ptr<io::MqttSource> mqtt, io::MqttSource::Connect(c));
  return std::unique_ptr<io::Source>(std::move(mqtt));
}

}  // namespace edgeloop::agent
