#include "cli_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "base/file_system.h"

extern char** environ;

namespace edgeloop::cli_test {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "el_cli_tests: %s: %s\n", what.c_str(), std::strerror(errno));
  std::abort();
}

// The parent's environment without EDGELOOP_HOME, so a child never falls back to a home the test
// did not name.
std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "EDGELOOP_HOME=", 14) == 0) continue;
    env.emplace_back(*e);
  }
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string Cut(const std::string& text) {
  constexpr size_t kMax = 4000;
  if (text.size() <= kMax) return text;
  return text.substr(0, kMax / 2) + "\n[... " + std::to_string(text.size() - kMax) +
         " bytes cut ...]\n" + text.substr(text.size() - kMax / 2);
}

}  // namespace

TempDir::TempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/el-cli-" + prefix + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) Die("mkdtemp " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string CommandResult::Describe() const {
  std::string line;
  for (const std::string& a : argv) line += (line.empty() ? "" : " ") + a;
  return "command: " + line + "\nexit code: " + std::to_string(exit_code) + "\n--- stdout ---\n" +
         Cut(out) + "\n--- stderr ---\n" + Cut(err);
}

pid_t SpawnCommand(const std::vector<std::string>& argv, const std::string& cwd,
                   const std::string& out_path, const std::string& err_path, std::string* error) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());

  std::vector<std::string> args = argv;
  std::vector<std::string> env = ChildEnvironment();
  std::vector<char*> c_args = CStrings(args);
  std::vector<char*> c_env = CStrings(env);
  pid_t pid = 0;
  const int spawn_error =
      ::posix_spawn(&pid, c_args[0], &actions, nullptr, c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    *error = "posix_spawn " + argv[0] + " in " + cwd + ": " + std::strerror(spawn_error);
    return -1;
  }
  return pid;
}

int WaitForExit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) Die("waitpid");
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& cwd) {
  CommandResult result;
  result.argv = argv;
  TempDir capture("io");
  const std::string out_path = capture.Sub("stdout");
  const std::string err_path = capture.Sub("stderr");
  std::string error;
  const pid_t pid = SpawnCommand(argv, cwd, out_path, err_path, &error);
  if (pid < 0) {
    result.exit_code = 127;
    result.err = error;
    return result;
  }
  result.exit_code = WaitForExit(pid);
  PosixFileSystem fs;
  Result<std::string> out = fs.ReadFile(out_path);
  Result<std::string> err = fs.ReadFile(err_path);
  result.out = out.ok() ? *out : "";
  result.err = err.ok() ? *err : "";
  return result;
}

CommandResult RunEdgeloop(const std::vector<std::string>& args, const std::string& cwd) {
  std::vector<std::string> argv = {EDGELOOP_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, cwd);
}

nlohmann::json JsonOut(const CommandResult& result) {
  return nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
}

}  // namespace edgeloop::cli_test
