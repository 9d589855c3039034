// What the integration tests share: a small simulated fleet, a small train config in the shape
// of examples/train.yaml, file helpers, and the check that a workspace holds nothing.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace edgeloop::cli_test {

// A fleet small enough to train on in seconds that still has failures in its training, validation
// and test periods: 8 pumps, 60 days at 10-minute samples, seed 3 (5 failures).
std::vector<std::string> SmallFleetFlags();

struct SimulatedFleet {
  std::string dir;     // absolute folder with readings.csv, events.csv, assets.csv
  int failures = 0;    // from `sim --json`
  long long rows = 0;  // readings rows, from `sim --json`
  CommandResult sim;   // the sim command, for failure messages
};

// Runs `edgeloop sim <size_flags> --out <parent>/fleet --json` in `parent`.
SimulatedFleet SimulateFleet(const std::string& parent, const std::vector<std::string>& size_flags);

// A quick train config: examples/train.yaml's sections with five signals, 2 h hops, 40 rounds of
// depth 4 on two threads, threshold by cost, model pump-failure with alias challenger.
// `data_body` is the indented body of the `data:` section, e.g. "  dir: /tmp/x/fleet\n";
// `extra_signal`, when set, is one more entry of the signal list (without the "- ").
std::string SmallTrainConfig(const std::string& data_body, const std::string& extra_signal = "");

// 1-based number of the first line of `text` that contains `needle`; 0 when none does.
int LineContaining(const std::string& text, const std::string& needle);

// Lines of `text` without their '\n', and back (every line ends with '\n').
std::vector<std::string> SplitLines(const std::string& text);
std::string JoinLines(const std::vector<std::string>& lines);

// Whole-file read and write; a failure is reported to GoogleTest and gives "" / false.
std::string ReadText(const std::string& path);
bool WriteText(const std::string& path, const std::string& text);

// Regular files anywhere under `dir`; 0 when it does not exist.
size_t CountFiles(const std::string& dir);

// Expects that the workspace at `home` (relative to `cwd`) recorded nothing: the folder does not
// exist, or it has no runs, no models, no datasets and no file in its artifact store.
void ExpectEmptyWorkspace(const std::string& home, const std::string& cwd);

}  // namespace edgeloop::cli_test
