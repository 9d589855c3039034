#include "base/process_memory.h"

#include <fstream>
#include <sstream>
#include <string>

#include "base/strings.h"

namespace edgeloop {
namespace {

constexpr char kStatusFile[] = "/proc/self/status";

// "    1234 kB" -> 1234 * 1024.
Result<int64_t> ParseKilobytes(std::string_view field, std::string_view value) {
  value = Trim(value);
  if (!EndsWith(value, "kB")) {
    return DataLoss(std::string(kStatusFile) + ": " + std::string(field) + " value '" +
                    std::string(value) + "' is not in kB");
  }
  Result<int64_t> kb = ParseInt(Trim(value.substr(0, value.size() - 2)));
  if (!kb.ok()) {
    return DataLoss(std::string(kStatusFile) + ": " + std::string(field) + " value '" +
                    std::string(value) + "' is not a number of kB");
  }
  return *kb * 1024;
}

}  // namespace

Result<ProcessMemory> ParseProcessStatus(std::string_view text) {
  ProcessMemory memory;
  bool have_rss = false;
  bool have_peak = false;
  for (std::string_view line : Split(text, '\n')) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view field = line.substr(0, colon);
    if (field == "VmRSS") {
      EL_ASSIGN_OR_RETURN(memory.rss_bytes, ParseKilobytes(field, line.substr(colon + 1)));
      have_rss = true;
    } else if (field == "VmHWM") {
      EL_ASSIGN_OR_RETURN(memory.peak_rss_bytes, ParseKilobytes(field, line.substr(colon + 1)));
      have_peak = true;
    }
  }
  if (!have_rss || !have_peak) {
    return DataLoss(std::string(kStatusFile) + ": expected VmRSS and VmHWM lines");
  }
  return memory;
}

Result<ProcessMemory> ReadProcessMemory() {
  std::ifstream in(kStatusFile);
  if (!in) return IoError(std::string("cannot open ") + kStatusFile);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError(std::string("cannot read ") + kStatusFile);
  return ParseProcessStatus(text.str());
}

}  // namespace edgeloop
