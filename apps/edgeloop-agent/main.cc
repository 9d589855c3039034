// edgeloop-agent: the edge binary. Parses flags, builds the real seams (system clock, POSIX file
// system, SQLite outbox, bundle manager, sources, local HTTP server) and runs the loop; every
// decision lives in src/agent.
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/agent_config.h"
#include "agent/bundle_manager.h"
#include "agent/edge_agent.h"
#include "agent/local_api.h"
#include "agent/outbox.h"
#include "agent/source_factory.h"
#include "agent/sync_client.h"
#include "base/build_info.h"
#include "base/clock.h"
#include "base/exit_code.h"
#include "base/file_system.h"
#include "base/ids.h"
#include "base/log.h"
#include "base/random.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "bundle/key_file.h"
#include "net/posix_http_client.h"
#include "net/posix_http_server.h"

namespace edgeloop::agent_app {
namespace {

using agent::AgentConfig;

// Exit codes are base/exit_code.h's, the same as `edgeloop`'s: 0 ok · 2 bad config or input ·
// 3 not found · 4 untrusted signer · 5 I/O or unavailable · 6 bundle failed verification ·
// 7 conflict or precondition (an older or rejected bundle, another agent on the data dir).
int Fail(const Status& s) {
  std::fprintf(stderr, "edgeloop-agent: %s\n", std::string(s.message()).c_str());
  return ExitCodeFor(s);
}

Result<std::vector<bundle::PublicKey>> LoadTrust(const AgentConfig& config, FileSystem& fs) {
  std::vector<bundle::PublicKey> keys;
  for (const std::string& path : config.trust) {
    EL_ASSIGN_OR_RETURN(bundle::PublicKey key, bundle::LoadPublicKey(fs, path));
    keys.push_back(key);
  }
  return keys;
}

// Holds an exclusive lock on <data_dir>/agent.lock while the agent runs: one agent per data dir.
Result<int> LockDataDir(const std::string& data_dir) {
  const std::string path = data_dir + "/agent.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return IoError(path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return FailedPrecondition("another edgeloop-agent is running on " + data_dir);
  }
  return fd;
}

// An HTTP client for the `server:` section that sends the device's token.
Result<std::unique_ptr<net::HttpClient>> ConnectServer(const agent::ServerConfig& server,
                                                       FileSystem& fs) {
  EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(server.token_file));
  const std::string token(Trim(text));
  if (token.empty()) {
    return InvalidArgument(server.token_file + ": empty; expected the device's token");
  }
  net::HttpClientOptions options;
  options.bearer_token = token;
  return net::NewPosixHttpClient(server.url, options);
}

std::string SyncFile(const AgentConfig& config) { return config.data_dir + "/sync.json"; }

struct RunFlags {
  std::string config;
  bool json = false;
};

int Run(const RunFlags& flags) {
  PosixFileSystem fs;
  SystemClock clock;
  Result<AgentConfig> config = AgentConfig::Load(flags.config, fs);
  if (!config.ok()) return Fail(config.status());
  LogLevel level = LogLevel::kInfo;
  ParseLogLevel(config->log_level, &level);
  Logger log(level);
  Result<std::vector<bundle::PublicKey>> trust = LoadTrust(*config, fs);
  if (!trust.ok()) return Fail(trust.status());
  if (Status s = fs.CreateDirs(config->data_dir); !s.ok()) return Fail(s);
  Result<int> lock = LockDataDir(config->data_dir);
  if (!lock.ok()) return Fail(lock.status());

  Result<std::unique_ptr<agent::Outbox>> outbox =
      agent::Outbox::Open(config->data_dir + "/outbox.db", {config->outbox_quota_bytes});
  if (!outbox.ok()) return Fail(outbox.status());
  agent::BundleManager bundles(fs, config->data_dir, *trust, clock);
  agent::EdgeAgent edge(config->options, clock, **outbox, bundles, log);
  for (const agent::SourceConfig& source : config->sources) {
    Result<std::unique_ptr<io::Source>> opened = agent::OpenSource(source, fs);
    if (!opened.ok()) {
      return Fail(opened.status().WithContext(config->path + ":" + std::to_string(source.line) +
                                              ": " + std::string(source.kind()) + " source"));
    }
    edge.AddSource(std::move(*opened), source.live());
  }
  std::unique_ptr<net::HttpClient> http;
  std::unique_ptr<agent::SyncClient> sync;
  Random random(SeedFromOs());  // backoff jitter only
  if (config->server) {
    const agent::ServerConfig& server = *config->server;
    Result<std::unique_ptr<net::HttpClient>> connected = ConnectServer(server, fs);
    if (!connected.ok()) {
      return Fail(connected.status().WithContext(config->path + ":" +
                                                 std::to_string(server.line) + ": server"));
    }
    http = std::move(*connected);
    agent::SyncClientOptions options;
    options.device_id = server.device_id;
    options.agent_version = CodeVersion();
    options.period_ms = server.sync_period_s * kMillisPerSecond;
    options.batch_records = static_cast<size_t>(server.batch_records);
    options.state_path = SyncFile(*config);
    sync = std::make_unique<agent::SyncClient>(options, fs, **outbox, bundles, *http, random, log);
    sync->Load();
    edge.SetSyncClient(sync.get());
    log.Info("syncing with " + server.url + " as device " + server.device_id + " every " +
             FormatDuration(options.period_ms) + " until the server says otherwise");
  }
  if (Status s = edge.Start(); !s.ok()) return Fail(s);
  // Verifying the bundle and opening the sources needed transient buffers (the unpacked archive,
  // whole replay files); give the freed pages back before the long-running loop.
  ::malloc_trim(0);

  // SIGINT/SIGTERM end the loop; they are taken synchronously by sigtimedwait, which is also how
  // the loop waits for its next turn.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<net::HttpServer> server;
  if (config->listen_port >= 0) {
    server = net::NewPosixHttpServer({});
    if (Status s = agent::AddLocalApi(*server, edge); !s.ok()) return Fail(s);
    Result<int> port = server->Listen(config->listen_host, config->listen_port);
    if (!port.ok()) return Fail(port.status());
    // The first line says where the local API listens (scripts and tests read it).
    std::printf("edgeloop-agent %s: device %s, local API on http://%s:%d\n",
                std::string(CodeVersion()).c_str(), config->device_id.c_str(),
                config->listen_host.c_str(), *port);
  } else {
    std::printf("edgeloop-agent %s: device %s, local API off\n", std::string(CodeVersion()).c_str(),
                config->device_id.c_str());
  }
  std::fflush(stdout);

  int code = 0;
  while (true) {
    Result<std::optional<int64_t>> next = edge.RunOnce();
    if (!next.ok()) {
      code = Fail(next.status());
      break;
    }
    if (!next->has_value()) {
      if (Status s = edge.Drain(); !s.ok()) code = Fail(s);
      break;
    }
    const int64_t wait_ms = std::max<int64_t>(0, **next - clock.NowMillis());
    if (wait_ms == 0) {
      timespec zero{0, 0};
      if (sigtimedwait(&signals, nullptr, &zero) > 0) break;
      continue;
    }
    timespec ts{static_cast<time_t>(wait_ms / 1000), static_cast<long>((wait_ms % 1000) * 1'000'000)};
    if (sigtimedwait(&signals, nullptr, &ts) > 0) break;
  }
  if (server) server->Stop();
  agent::AgentSnapshot s = edge.Snapshot();
  if (flags.json) {
    nlohmann::json j{{"device", s.device_id}, {"rows", s.rows_total}, {"windows", s.windows_total},
                     {"scores", s.scores_total}, {"alerts_raised", s.alerts_raised_total},
                     {"bundle", s.bundle_digest}, {"outbox_last_seq", s.outbox.last_seq},
                     {"outbox_pending", s.outbox.pending_records}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("stopped: %lld rows, %lld windows, %lld scores, %lld alerts raised; outbox at seq %lld "
                "(%lld pending)\n",
                static_cast<long long>(s.rows_total), static_cast<long long>(s.windows_total),
                static_cast<long long>(s.scores_total), static_cast<long long>(s.alerts_raised_total),
                static_cast<long long>(s.outbox.last_seq),
                static_cast<long long>(s.outbox.pending_records));
  }
  ::close(*lock);
  return code;
}

struct InstallFlags {
  std::string config;
  std::string file;
  bool rollback = false;
  bool json = false;
};

int Install(const InstallFlags& flags) {
  PosixFileSystem fs;
  SystemClock clock;
  Result<AgentConfig> config = AgentConfig::Load(flags.config, fs);
  if (!config.ok()) return Fail(config.status());
  Result<std::vector<bundle::PublicKey>> trust = LoadTrust(*config, fs);
  if (!trust.ok()) return Fail(trust.status());
  if (Status s = fs.CreateDirs(config->data_dir); !s.ok()) return Fail(s);
  agent::BundleManager bundles(fs, config->data_dir, *trust, clock);
  agent::InstallOptions options;
  options.allow_older = flags.rollback;
  options.reason = flags.rollback ? "rollback installed from " + flags.file : "installed from " + flags.file;
  Result<agent::InstallOutcome> outcome = bundles.InstallFile(flags.file, options);
  if (!outcome.ok()) return Fail(outcome.status());
  if (flags.json) {
    nlohmann::json j{{"digest", outcome->digest}, {"name", outcome->name},
                     {"version", outcome->version}, {"already_active", outcome->already_active},
                     {"replaced", outcome->replaced}};
    std::printf("%s\n", j.dump().c_str());
  } else if (outcome->already_active) {
    std::printf("%s v%lld (%s) is already active\n", outcome->name.c_str(),
                static_cast<long long>(outcome->version), ShortDigest(outcome->digest).c_str());
  } else {
    std::printf("installed %s v%lld (%s); it runs on probation from the agent's next turn\n",
                outcome->name.c_str(), static_cast<long long>(outcome->version),
                ShortDigest(outcome->digest).c_str());
  }
  return 0;
}

struct StatusFlags {
  std::string config;
  bool json = false;
};

int ShowStatus(const StatusFlags& flags) {
  PosixFileSystem fs;
  SystemClock clock;
  Result<AgentConfig> config = AgentConfig::Load(flags.config, fs);
  if (!config.ok()) return Fail(config.status());
  agent::BundleManager bundles(fs, config->data_dir, {}, clock);
  Result<agent::BundleState> state = bundles.ReadState();
  if (!state.ok()) return Fail(state.status());
  agent::OutboxStats stats;
  if (fs.Exists(config->data_dir + "/outbox.db")) {
    Result<std::unique_ptr<agent::Outbox>> outbox =
        agent::Outbox::Open(config->data_dir + "/outbox.db", {config->outbox_quota_bytes});
    if (!outbox.ok()) return Fail(outbox.status());
    Result<agent::OutboxStats> s = (*outbox)->Stats();
    if (!s.ok()) return Fail(s.status());
    stats = *s;
  }
  Result<agent::SyncStatus> sync_status = NotFound("no server configured");
  if (config->server) {
    sync_status = agent::ReadSyncStatus(fs, SyncFile(*config));
    if (!sync_status.ok() && sync_status.status().code() != StatusCode::kNotFound) {
      return Fail(sync_status.status());
    }
  }
  if (flags.json) {
    nlohmann::json pending = nlohmann::json::object();
    nlohmann::json dropped = nlohmann::json::object();
    for (int k = 0; k < api::kNumRecordKinds; ++k) {
      const std::string name(api::RecordKindName(static_cast<api::RecordKind>(k)));
      pending[name] = stats.pending_by_kind[k];
      dropped[name] = stats.dropped_by_kind[k];
    }
    nlohmann::json j{{"device", config->device_id},
                     {"bundles", nlohmann::json::parse(state->ToJson())},
                     {"outbox", {{"last_seq", stats.last_seq}, {"acked_seq", stats.acked_through},
                                 {"pending", pending}, {"dropped", dropped},
                                 {"pending_bytes", stats.pending_bytes}}},
                     {"sync", nullptr}};
    if (config->server) {
      nlohmann::json sync{{"server", config->server->url},
                          {"device_id", config->server->device_id},
                          {"acked_seq", stats.acked_through},
                          {"last_sync_ms", nullptr},
                          {"last_sync", nullptr},
                          {"failures_total", 0},
                          {"consecutive_failures", 0}};
      if (sync_status.ok()) {
        const agent::SyncStatus& st = *sync_status;
        if (st.last_success_ms > 0) {
          sync["last_sync_ms"] = st.last_success_ms;
          sync["last_sync"] = FormatTimestamp(st.last_success_ms);
        }
        sync["last_attempt_ms"] = st.last_attempt_ms;
        sync["syncs_total"] = st.syncs_total;
        sync["failures_total"] = st.failures_total;
        sync["consecutive_failures"] = st.consecutive_failures;
        sync["download_failures_total"] = st.download_failures_total;
        sync["last_error"] = st.last_error;
        sync["desired_bundle"] = st.desired.bundle_digest;
        sync["last_install"] = {{"bundle_digest", st.last_install.bundle_digest},
                                {"outcome", api::InstallOutcomeName(st.last_install.outcome)},
                                {"message", st.last_install.message},
                                {"time_ms", st.last_install.time_ms}};
      }
      j["sync"] = sync;
    }
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("device    %s\n", config->device_id.c_str());
  if (state->active.empty()) {
    std::printf("bundle    none installed\n");
  } else {
    std::printf("bundle    %s v%lld (%s)%s\n", state->active_name.c_str(),
                static_cast<long long>(state->active_version), ShortDigest(state->active).c_str(),
                state->on_probation ? ", on probation" : "");
    if (!state->previous.empty()) {
      std::printf("previous  %s v%lld (%s)\n", state->previous_name.c_str(),
                  static_cast<long long>(state->previous_version), ShortDigest(state->previous).c_str());
    }
    std::printf("last      %s\n", state->last_change.c_str());
  }
  std::printf("outbox    seq %lld, acknowledged %lld, %lld records pending (%lld bytes)\n",
              static_cast<long long>(stats.last_seq), static_cast<long long>(stats.acked_through),
              static_cast<long long>(stats.pending_records), static_cast<long long>(stats.pending_bytes));
  if (!config->server) {
    std::printf("sync      off (no server: section)\n");
  } else if (!sync_status.ok()) {
    std::printf("sync      with %s: not yet\n", config->server->url.c_str());
  } else {
    const agent::SyncStatus& st = *sync_status;
    std::printf("sync      with %s: last %s, %lld failures (%lld in a row)%s%s\n",
                config->server->url.c_str(),
                st.last_success_ms > 0 ? FormatTimestamp(st.last_success_ms).c_str() : "never",
                static_cast<long long>(st.failures_total),
                static_cast<long long>(st.consecutive_failures),
                st.last_error.empty() ? "" : "; last error: ", st.last_error.c_str());
    if (st.last_install.outcome != api::InstallOutcome::kNone) {
      std::printf("install   %s %s%s%s\n",
                  std::string(api::InstallOutcomeName(st.last_install.outcome)).c_str(),
                  ShortDigest(st.last_install.bundle_digest).c_str(),
                  st.last_install.message.empty() ? "" : ": ", st.last_install.message.c_str());
    }
  }
  return 0;
}

}  // namespace
}  // namespace edgeloop::agent_app

int main(int argc, char** argv) {
  using namespace edgeloop::agent_app;
  CLI::App app{"edgeloop-agent: scores pump sensors at the edge with a signed model bundle, "
               "offline for as long as it takes"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(edgeloop::CodeVersion()));
  app.footer(
      "Examples:\n"
      "  edgeloop-agent install --config agent.yaml pump-failure-v3.elb\n"
      "  edgeloop-agent run --config agent.yaml\n"
      "  edgeloop-agent status --config agent.yaml --json\n"
      "Exit codes: 0 ok, 2 bad config, 3 not found, 4 untrusted signer, 5 I/O, 6 bundle failed "
      "verification, 7 older/rejected bundle or agent already running.");

  RunFlags run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run the edge loop: sources, features, scores, alerts, outbox");
  run_cmd->add_option("--config", run.config, "Agent configuration (YAML)")->required();
  run_cmd->add_flag("--json", run.json, "Print the final summary as JSON");
  run_cmd->footer("Example:\n  edgeloop-agent run --config /etc/edgeloop/agent.yaml\n"
                  "Runs until SIGINT/SIGTERM, or until every replay source has been read.");

  InstallFlags install;
  CLI::App* install_cmd = app.add_subcommand(
      "install", "Verify a bundle file and make it the active model (sites with no link at all)");
  install_cmd->add_option("--config", install.config, "Agent configuration (YAML)")->required();
  install_cmd->add_option("file", install.file, "Bundle file (.elb)")->required();
  install_cmd->add_flag("--rollback", install.rollback,
                        "Allow an older (or previously rejected) bundle: a deliberate rollback");
  install_cmd->add_flag("--json", install.json, "Print the outcome as JSON");
  install_cmd->footer("Example:\n  edgeloop-agent install --config agent.yaml pump-failure-v3.elb\n"
                      "A running agent switches to it at its next turn and watches it on probation.");

  StatusFlags status;
  CLI::App* status_cmd = app.add_subcommand("status", "Show the active bundle and the outbox");
  status_cmd->add_option("--config", status.config, "Agent configuration (YAML)")->required();
  status_cmd->add_flag("--json", status.json, "Print as JSON");
  status_cmd->footer("Example:\n  edgeloop-agent status --config agent.yaml --json");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (*run_cmd) return Run(run);
  if (*install_cmd) return Install(install);
  if (*status_cmd) return ShowStatus(status);
  return 2;
}
