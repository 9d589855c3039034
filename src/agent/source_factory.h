// OpenSource: the io::Source a configured source names (agent_config.h).
//
// Errors: the source's own — a replay file that does not read (NotFound, InvalidArgument naming
// file:line), a Modbus map that does not validate. A broker or PLC that cannot be reached yet is
// not an error here: those sources connect (and reconnect) as they poll.
#pragma once

#include <memory>

#include "agent/agent_config.h"
#include "base/file_system.h"
#include "io/source.h"

namespace edgeloop::agent {

Result<std::unique_ptr<io::Source>> OpenSource(const SourceConfig& config, FileSystem& fs);

}  // namespace edgeloop::agent
