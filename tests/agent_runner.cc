#include "agent_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "base/file_system.h"
#include "net/httplib_client.h"

namespace edgeloop::cli_test {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(10);

std::string ReadIfThere(const std::string& path) {
  PosixFileSystem fs;
  Result<std::string> text = fs.ReadFile(path);
  return text.ok() ? *text : "";
}

// A read-only SQLite connection that closes itself.
class ReadOnlyDb {
 public:
  explicit ReadOnlyDb(const std::string& path) {
    rc_ = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
    if (rc_ == SQLITE_OK) sqlite3_busy_timeout(db_, 5000);
  }
  ~ReadOnlyDb() { sqlite3_close(db_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3* get() { return db_; }
  std::string error() const { return db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc_); }

 private:
  sqlite3* db_ = nullptr;
  int rc_ = SQLITE_OK;
};

HttpResult Send(int port, const net::HttpRequest& request) {
  HttpResult result;
  Result<std::unique_ptr<net::HttpClient>> client =
      net::NewHttplibClient("http://127.0.0.1:" + std::to_string(port));
  if (!client.ok()) {
    result.error = client.status().ToString();
    return result;
  }
  Result<net::HttpResponse> response = (*client)->Send(request);
  if (!response.ok()) {
    result.error = response.status().ToString();
    return result;
  }
  result.status = response->status;
  result.body = response->body;
  return result;
}

}  // namespace

std::string AgentBinary() {
  return std::string(EDGELOOP_BINARY_DIR) + "/apps/edgeloop-agent/edgeloop-agent";
}

CommandResult RunAgent(const std::vector<std::string>& args, const std::string& cwd) {
  std::vector<std::string> argv = {AgentBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, cwd);
}

bool WaitUntil(const std::function<bool()>& condition, int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::unique_ptr<AgentProcess> AgentProcess::Start(const std::vector<std::string>& args,
                                                  const std::string& cwd) {
  std::unique_ptr<AgentProcess> agent(new AgentProcess());
  agent->argv_ = {AgentBinary()};
  agent->argv_.insert(agent->argv_.end(), args.begin(), args.end());
  std::string error;
  agent->pid_ =
      SpawnCommand(agent->argv_, cwd, agent->io_.Sub("stdout"), agent->io_.Sub("stderr"), &error);
  if (agent->pid_ < 0) {
    ADD_FAILURE() << error;
    return nullptr;
  }
  return agent;
}

AgentProcess::~AgentProcess() {
  if (Running()) {
    ::kill(pid_, SIGKILL);
    exit_code_ = WaitForExit(pid_);
    pid_ = -1;
  }
}

bool AgentProcess::Running() {
  if (pid_ < 0) return false;
  int status = 0;
  pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == 0) return true;
  if (done == pid_) {
    if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) exit_code_ = 128 + WTERMSIG(status);
  }
  pid_ = -1;
  return false;
}

void AgentProcess::Signal(int signal) {
  if (Running()) ::kill(pid_, signal);
}

int AgentProcess::WaitExit(int64_t timeout_ms) {
  if (!WaitUntil([this] { return !Running(); }, timeout_ms)) return -1;
  return exit_code_;
}

std::string AgentProcess::Out() const { return ReadIfThere(io_.Sub("stdout")); }
std::string AgentProcess::Err() const { return ReadIfThere(io_.Sub("stderr")); }

int AgentProcess::WaitForApiPort(int64_t timeout_ms) {
  static constexpr char kMarker[] = "local API on http://127.0.0.1:";
  int port = 0;
  WaitUntil(
      [&] {
        const std::string out = Out();
        const size_t eol = out.find('\n');
        if (eol != std::string::npos) {
          const size_t at = out.substr(0, eol).find(kMarker);
          if (at != std::string::npos) port = std::atoi(out.c_str() + at + sizeof(kMarker) - 1);
          return true;
        }
        return !Running();
      },
      timeout_ms);
  return port;
}

std::string AgentProcess::Describe() const {
  CommandResult view;
  view.argv = argv_;
  view.exit_code = exit_code_;
  view.out = Out();
  view.err = Err();
  return view.Describe();
}

std::vector<OutboxRow> ReadOutbox(const std::string& path) {
  std::vector<OutboxRow> rows;
  ReadOnlyDb db(path);
  if (!db.ok()) {
    ADD_FAILURE() << path << ": cannot open read-only: " << db.error();
    return rows;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db.get(),
                         "SELECT seq, kind, asset, time_ms, body FROM records ORDER BY seq", -1,
                         &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << path << ": cannot read records: " << db.error();
    return rows;
  }
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    OutboxRow row;
    row.seq = sqlite3_column_int64(stmt, 0);
    row.kind = sqlite3_column_int(stmt, 1);
    row.asset = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2));
    row.time_ms = sqlite3_column_int64(stmt, 3);
    row.body = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 4));
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) ADD_FAILURE() << path << ": reading records: " << db.error();
  sqlite3_finalize(stmt);
  return rows;
}

int64_t OutboxLastSeq(const std::string& path) {
  PosixFileSystem fs;
  if (!fs.Exists(path)) return 0;
  ReadOnlyDb db(path);
  if (!db.ok()) return 0;
  sqlite3_stmt* stmt = nullptr;
  int64_t last = 0;
  if (sqlite3_prepare_v2(db.get(), "SELECT value FROM meta WHERE key = 'last_seq'", -1, &stmt,
                         nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    last = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  return last;
}

HttpResult HttpGet(int port, const std::string& path) {
  net::HttpRequest request;
  request.method = "GET";
  request.path = path;
  return Send(port, request);
}

HttpResult HttpPost(int port, const std::string& path, const std::string& json_body) {
  net::HttpRequest request;
  request.method = "POST";
  request.path = path;
  request.headers["content-type"] = "application/json";
  request.body = json_body;
  return Send(port, request);
}

}  // namespace edgeloop::cli_test
