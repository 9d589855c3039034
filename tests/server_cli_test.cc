// The real `edgeloop server` process: it starts on a free port, writes its first admin token,
// answers /healthz and /api/v1/models with that token, and stops cleanly on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "net/httplib_client.h"

namespace edgeloop::cli_test {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Polls `condition` until it holds or `timeout_ms` passed: a bounded wait on a real process.
bool PollUntil(const std::function<bool()>& condition, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// A running `edgeloop server`, killed (SIGKILL) and reaped by the destructor if it still runs.
class ServerProcess {
 public:
  ServerProcess(const TempDir& dir, const std::vector<std::string>& args)
      : out_(dir.Sub("server.out")), err_(dir.Sub("server.err")) {
    std::vector<std::string> argv = {EDGELOOP_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string error;
    pid_ = SpawnCommand(argv, dir.path(), out_, err_, &error);
    EXPECT_GT(pid_, 0) << error;
  }
  ~ServerProcess() {
    if (pid_ > 0 && exit_code_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // The port of "listening on http://127.0.0.1:PORT", or 0 when it did not appear in time.
  int WaitForPort(int timeout_ms) {
    static constexpr char kMarker[] = "listening on http://127.0.0.1:";
    int port = 0;
    PollUntil(
        [&] {
          const std::string out = ReadAll(out_);
          const size_t at = out.find(kMarker);
          if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
            port = std::atoi(out.c_str() + at + sizeof(kMarker) - 1);
          }
          return port > 0 || Ended();
        },
        timeout_ms);
    return port;
  }

  // Exit code once ended (128 + signal when killed), -1 while it runs.
  int WaitExit(int timeout_ms) {
    PollUntil([&] { return Ended(); }, timeout_ms);
    return exit_code_;
  }

  void Signal(int signal) {
    if (exit_code_ < 0) ::kill(pid_, signal);
  }
  std::string Describe() { return "stdout:\n" + ReadAll(out_) + "\nstderr:\n" + ReadAll(err_); }

 private:
  bool Ended() {
    if (exit_code_ >= 0) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }

  std::string out_;
  std::string err_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

net::HttpResponse Get(int port, const std::string& path, const std::string& token) {
  net::HttpClientOptions options;
  options.bearer_token = token;
  auto client = net::NewHttplibClient("http://127.0.0.1:" + std::to_string(port), options);
  net::HttpResponse failed;
  failed.status = 0;
  if (!client.ok()) return failed;
  net::HttpRequest request;
  request.path = path;
  auto response = (*client)->Send(request);
  return response.ok() ? *response : failed;
}

TEST(ServerCli, ServesWithItsFirstAdminTokenAndStopsOnSigterm) {
  TempDir dir("server");
  ServerProcess server(dir, {"server", "--home", "home", "--listen", "127.0.0.1:0"});
  const int port = server.WaitForPort(30'000);
  ASSERT_GT(port, 0) << server.Describe();

  const std::string token_path = dir.Sub("home/admin.token");
  struct stat st;
  ASSERT_EQ(::stat(token_path.c_str(), &st), 0) << server.Describe();
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string token = ReadAll(token_path);
  while (!token.empty() && token.back() == '\n') token.pop_back();
  EXPECT_TRUE(token.starts_with("elt_tok-")) << token;
  EXPECT_NE(server.Describe().find("export EDGELOOP_TOKEN=$(cat "), std::string::npos);

  auto health = Get(port, "/healthz", "");
  EXPECT_EQ(health.status, 200) << health.body;
  auto models = Get(port, "/api/v1/models", token);
  ASSERT_EQ(models.status, 200) << models.body;
  EXPECT_EQ(nlohmann::json::parse(models.body)["models"], nlohmann::json::array());
  EXPECT_EQ(Get(port, "/api/v1/models", "").status, 401);

  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(30'000), 0) << server.Describe();
  EXPECT_NE(server.Describe().find("edgeloop server stopped"), std::string::npos);
}

TEST(ServerCli, TokensMadeByTheCliWorkOnTheRunningServer) {
  TempDir dir("server-tokens");
  ServerProcess server(dir, {"server", "--home", "home", "--listen", "127.0.0.1:0"});
  const int port = server.WaitForPort(30'000);
  ASSERT_GT(port, 0) << server.Describe();
  const CommandResult created =
      RunEdgeloop({"tokens", "create", "--home", "home", "--role", "operator", "--name", "alice"},
                  dir.path());
  ASSERT_EQ(created.exit_code, 0) << created.Describe();
  std::string token = created.out;
  while (!token.empty() && token.back() == '\n') token.pop_back();
  EXPECT_EQ(Get(port, "/api/v1/models", token).status, 200);

  const CommandResult listed = RunEdgeloop({"tokens", "list", "--home", "home", "--json"}, dir.path());
  ASSERT_EQ(listed.exit_code, 0) << listed.Describe();
  const nlohmann::json tokens = JsonOut(listed)["tokens"];
  ASSERT_EQ(tokens.size(), 2u) << listed.out;
  const std::string id = tokens[1]["id"];
  const CommandResult revoked = RunEdgeloop({"tokens", "revoke", "--home", "home", id}, dir.path());
  ASSERT_EQ(revoked.exit_code, 0) << revoked.Describe();
  EXPECT_EQ(Get(port, "/api/v1/models", token).status, 401);

  server.Signal(SIGINT);
  EXPECT_EQ(server.WaitExit(30'000), 0) << server.Describe();
}

}  // namespace
}  // namespace edgeloop::cli_test
