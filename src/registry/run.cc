#include "registry/run.h"

namespace edgeloop::registry {

std::string_view RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kFinished:
      return "finished";
    case RunStatus::kFailed:
      return "failed";
  }
  return "unknown";
}

Result<RunStatus> ParseRunStatus(std::string_view text) {
  if (text == "running") return RunStatus::kRunning;
  if (text == "finished") return RunStatus::kFinished;
  if (text == "failed") return RunStatus::kFailed;
  return InvalidArgument("run status '" + std::string(text) +
                         "' is not one of running, finished, failed");
}

}  // namespace edgeloop::registry
