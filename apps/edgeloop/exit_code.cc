#include "edgeloop/exit_code.h"

#include <cstdio>

namespace edgeloop::app {

int ReportFailure(const Status& status, std::FILE* err) {
  std::fprintf(err, "edgeloop: %s\n", status.message().c_str());
  return ExitCodeFor(status);
}

}  // namespace edgeloop::app
