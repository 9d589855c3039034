// Running the real `edgeloop` binary (or any program) as a child process, for integration tests.
//
// TempDir is a fresh mkdtemp() folder, removed with everything in it when the object dies.
// RunCommand starts a program with posix_spawn in a given working directory, with stdin from
// /dev/null and without $EDGELOOP_HOME (so a test only ever touches the --home it names), waits
// for it, and returns its exit code and everything it wrote on stdout and stderr. Nothing here is
// shared between tests; each test makes its own folders.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace edgeloop::cli_test {

class TempDir {
 public:
  // A new folder /tmp/el-cli-<prefix>-XXXXXX (or under $TMPDIR); aborts the test binary when the
  // OS cannot make one, since no test could run without it.
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  std::vector<std::string> argv;
  int exit_code = -1;  // 128 + signal number when the child was killed by a signal
  std::string out;
  std::string err;

  // The command line, exit code, stdout and stderr (each cut to a few KB), for failure messages.
  std::string Describe() const;
};

// Starts argv[0] (an absolute path) with the arguments that follow, in `cwd`, stdin from
// /dev/null, stdout and stderr into the given files, without waiting for it. Returns the child's
// pid, or -1 with the reason in *error.
pid_t SpawnCommand(const std::vector<std::string>& argv, const std::string& cwd,
                   const std::string& out_path, const std::string& err_path, std::string* error);

// Waits for the child `pid` to end: its exit code, or 128 + the signal that killed it.
int WaitForExit(pid_t pid);

// Runs argv[0] (an absolute path) with the arguments that follow, in `cwd`.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& cwd);

// Runs the edgeloop binary under test with `args`, in `cwd`.
CommandResult RunEdgeloop(const std::vector<std::string>& args, const std::string& cwd);

// stdout parsed as one JSON document; a discarded value (is_discarded()) when it is not JSON.
nlohmann::json JsonOut(const CommandResult& result);

}  // namespace edgeloop::cli_test
