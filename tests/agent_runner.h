// Running the real `edgeloop-agent` binary for integration tests: one-shot commands (install,
// status, a replay that ends), agents that keep running in the background (their local API, a
// kill -9 at a chosen moment), a read-only look into their outbox.db, and HTTP calls to them.
//
// AgentProcess owns its child: the destructor kills (SIGKILL) and reaps it if it still runs, so
// a failing test never leaves an agent behind. Waiting is always bounded (WaitUntil polls a
// condition until a deadline). Nothing here is shared between tests.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace edgeloop::cli_test {

// The edgeloop-agent binary under test.
std::string AgentBinary();

// Runs `edgeloop-agent <args>` in `cwd` and waits for it.
CommandResult RunAgent(const std::vector<std::string>& args, const std::string& cwd);

// Polls `condition` every few milliseconds until it holds (true) or `timeout_ms` passed (false).
bool WaitUntil(const std::function<bool()>& condition, int64_t timeout_ms);

class AgentProcess {
 public:
  // Starts `edgeloop-agent <args>` in `cwd` without waiting; nullptr (and a test failure) when
  // it cannot be started.
  static std::unique_ptr<AgentProcess> Start(const std::vector<std::string>& args,
                                             const std::string& cwd);
  ~AgentProcess();
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  pid_t pid() const { return pid_; }
  // False once the child has ended (its exit code is then exit_code()).
  bool Running();
  // Sends `signal` (SIGKILL, SIGTERM, ...) if it still runs.
  void Signal(int signal);
  // Waits up to `timeout_ms` for the child to end; its exit code, or -1 when it still runs.
  int WaitExit(int64_t timeout_ms);
  int exit_code() const { return exit_code_; }

  // What the child wrote so far.
  std::string Out() const;
  std::string Err() const;
  // The port of "local API on http://127.0.0.1:PORT" in the first stdout line, waiting up to
  // `timeout_ms` for it; 0 when it did not appear (the child ended or took too long).
  int WaitForApiPort(int64_t timeout_ms);
  // The command, exit code, stdout and stderr, for failure messages.
  std::string Describe() const;

 private:
  AgentProcess() : io_("agent-io") {}

  TempDir io_;
  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

// One row of an agent's outbox.db (table records).
struct OutboxRow {
  int64_t seq = 0;
  int kind = 0;  // 0 features, 1 score, 2 health, 3 alert
  std::string asset;
  int64_t time_ms = 0;
  std::string body;

  bool operator==(const OutboxRow&) const = default;
};

inline constexpr int kFeaturesKind = 0;
inline constexpr int kScoreKind = 1;
inline constexpr int kHealthKind = 2;
inline constexpr int kAlertKind = 3;

// Every record of the outbox at `path`, by seq, read through a read-only SQLite connection;
// empty with a test failure when the file cannot be read.
std::vector<OutboxRow> ReadOutbox(const std::string& path);
// The highest seq written so far; 0 when the file or its tables do not exist yet.
int64_t OutboxLastSeq(const std::string& path);

struct HttpResult {
  int status = 0;  // 0 when the request did not get a response
  std::string body;
  std::string error;
};

HttpResult HttpGet(int port, const std::string& path);
HttpResult HttpPost(int port, const std::string& path, const std::string& json_body);

}  // namespace edgeloop::cli_test
