// A real `edgeloop server` and two real `edgeloop-agent run` processes syncing over loopback,
// set up with the `edgeloop devices` and `edgeloop bundle upload` commands: every record each
// agent wrote reaches the server exactly once — compared seq by seq with the same replay run
// offline — even when the server is killed with SIGKILL while the agents drain their outbox and
// restarted on the same home and port; the twins show the running bundle and an empty outbox; a
// bundle set as one device's desired state is downloaded, verified and installed by that device
// alone.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>

#include "agent_runner.h"
#include "agent_workspace.h"
#include "base/strings.h"
#include "cli_fleet.h"
#include "net/httplib_client.h"

namespace edgeloop::cli_test {
namespace {

using nlohmann::json;

constexpr int64_t kDeadlineMs = 180'000;
const char* const kKindNames[] = {"features", "score", "health", "alert"};

// A running `edgeloop server`; SIGKILLed and reaped by the destructor if it still runs.
class ServerProcess {
 public:
  ServerProcess(const std::string& dir, const std::vector<std::string>& args, int generation)
      : out_(dir + "/server-" + std::to_string(generation) + ".out"),
        err_(dir + "/server-" + std::to_string(generation) + ".err") {
    std::vector<std::string> argv = {EDGELOOP_BIN, "server"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string error;
    pid_ = SpawnCommand(argv, dir, out_, err_, &error);
    EXPECT_GT(pid_, 0) << error;
  }
  ~ServerProcess() { Kill(); }

  // The port of "listening on http://127.0.0.1:PORT"; 0 when it did not appear in time.
  int WaitForPort() {
    static constexpr char kMarker[] = "listening on http://127.0.0.1:";
    int port = 0;
    WaitUntil(
        [&] {
          const std::string out = ReadFileOrEmpty(out_);
          const size_t at = out.find(kMarker);
          if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
            port = std::atoi(out.c_str() + at + sizeof(kMarker) - 1);
          }
          return port > 0 || Ended();
        },
        30'000);
    return port;
  }
  void Kill() {
    if (pid_ > 0 && exit_code_ < 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      exit_code_ = 128 + SIGKILL;
    }
  }
  std::string Describe() const {
    return "server stdout:\n" + ReadFileOrEmpty(out_) + "\nserver stderr:\n" + ReadFileOrEmpty(err_);
  }

 private:
  static std::string ReadFileOrEmpty(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return "";
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) text.append(buf, n);
    std::fclose(f);
    return text;
  }
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

// GET `path` on the server with `token`: the JSON body of a 200, else a discarded value.
json GetJson(int port, const std::string& token, const std::string& path,
             const std::map<std::string, std::string>& query = {}) {
  net::HttpClientOptions options;
  options.bearer_token = token;
  auto client = net::NewHttplibClient("http://127.0.0.1:" + std::to_string(port), options);
  if (!client.ok()) return json::value_t::discarded;
  net::HttpRequest request;
  request.path = path;
  request.query = query;
  auto response = (*client)->Send(request);
  if (!response.ok() || response->status != 200) return json::value_t::discarded;
  return json::parse(response->body, nullptr, /*allow_exceptions=*/false);
}

// The rows of `readings` (a wide readings CSV) of one asset, with the header.
std::string AssetRows(const std::string& readings, const std::string& asset) {
  const std::vector<std::string> lines = SplitLines(readings);
  std::vector<std::string> kept;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::vector<std::string_view> fields = Split(lines[i], ',');
    if (i == 0 || (fields.size() > 1 && fields[1] == asset)) kept.push_back(lines[i]);
  }
  return JoinLines(kept);
}

std::string AgentConfig(const std::string& device, const std::string& data_dir,
                        const std::string& readings, const std::string& server_section) {
  return "device: " + device + "\ndata_dir: " + data_dir +
         "\ntrust: [keys/release.pub]\nlisten: off\n" + server_section +
         "sources:\n  - {kind: csv_replay, readings: " + readings + ", speed: 0}\n";
}

struct Device {
  std::string id;
  std::string asset;
  std::vector<OutboxRow> reference;  // the same replay and bundle, run offline
  std::unique_ptr<AgentProcess> agent;
  std::string Config() const { return id + ".yaml"; }
  std::string Outbox() const { return "data-" + id + "/outbox.db"; }
};

class FleetSync : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::make_unique<TempDir>("fleet-sync");
    ws_ = BuildAgentWorkspace(root_->path());
    ASSERT_TRUE(ws_.ready) << "the workspace could not be built";
    devices_.resize(2);
    devices_[0].id = "gw-a";
    devices_[0].asset = "P001";
    devices_[1].id = "gw-b";
    devices_[1].asset = "P002";
    const std::string readings = ReadText(Dir() + "/fleet/readings.csv");
    for (Device& d : devices_) {
      ASSERT_TRUE(WriteText(Dir() + "/" + d.id + ".csv", AssetRows(readings, d.asset)));
      // The reference: the replay scored offline with v1, no server.
      const std::string ref = "ref-" + d.id + ".yaml";
      ASSERT_TRUE(WriteText(Dir() + "/" + ref,
                            AgentConfig(d.id, "ref-" + d.id, d.id + ".csv", "")));
      const CommandResult install = RunAgent({"install", "--config", ref, ws_.v1}, Dir());
      ASSERT_EQ(install.exit_code, 0) << install.Describe();
      const CommandResult run = RunAgent({"run", "--config", ref}, Dir());
      ASSERT_EQ(run.exit_code, 0) << run.Describe();
      d.reference = ReadOutbox(Dir() + "/ref-" + d.id + "/outbox.db");
      ASSERT_GT(d.reference.size(), 500u) << d.id << ": the replay wrote too little to prove much";
    }
  }

  std::string Dir() const { return root_->path(); }

  // `edgeloop <args> --server URL --token-file TOKEN [--json]` in the test folder.
  CommandResult Cli(std::vector<std::string> args, bool as_json = true) {
    args.insert(args.end(), {"--server", "http://127.0.0.1:" + std::to_string(port_),
                             "--token-file", "home/admin.token"});
    if (as_json) args.push_back("--json");
    return RunEdgeloop(args, Dir());
  }

  json Twin(const std::string& id) {
    json device = GetJson(port_, token_, "/api/v1/devices/" + id);
    return device.is_object() ? device["twin"] : json();
  }

  // Every record the server holds for `id`, by seq.
  std::vector<json> ServerRecords(const std::string& id) {
    json page =
        GetJson(port_, token_, "/api/v1/devices/" + id + "/records", {{"limit", "10000"}});
    std::vector<json> records;
    if (!page.is_object() || !page["records"].is_array()) {
      ADD_FAILURE() << "GET records of " << id << " failed";
      return records;
    }
    for (const json& r : page["records"]) records.push_back(r);
    std::stable_sort(records.begin(), records.end(), [](const json& a, const json& b) {
      return a["seq"].get<int64_t>() < b["seq"].get<int64_t>();
    });
    return records;
  }

  // The device synced everything: the server acknowledged the last seq of the replay and the
  // device reported an empty outbox after that.
  bool Drained(const Device& d) {
    json twin = Twin(d.id);
    const int64_t last = d.reference.back().seq;
    return twin.is_object() && twin["acked_through"] == last && twin["reported"].is_object() &&
           twin["reported"]["outbox_depth"] == 0 && OutboxLastSeq(Dir() + "/" + d.Outbox()) == last;
  }

  // The server's records of `d` are the reference's, seq by seq, each exactly once.
  void ExpectSameRecords(const Device& d) {
    SCOPED_TRACE("device " + d.id);
    const std::vector<json> records = ServerRecords(d.id);
    ASSERT_EQ(records.size(), d.reference.size());
    size_t differ = 0;
    for (size_t i = 0; i < records.size(); ++i) {
      const OutboxRow& want = d.reference[i];
      json got = records[i];
      const bool same = got["seq"] == want.seq && got["kind"] == kKindNames[want.kind] &&
                        got["asset"] == want.asset && got["time_ms"] == want.time_ms &&
                        got["body"] == json::parse(want.body);
      if (!same && ++differ <= 5) {
        ADD_FAILURE() << "seq " << want.seq << ": offline " << kKindNames[want.kind] << " "
                      << want.body << "\nserver " << got.dump();
      }
    }
    EXPECT_EQ(differ, 0u);
  }

  std::unique_ptr<TempDir> root_;
  AgentWorkspace ws_;
  std::vector<Device> devices_;
  int port_ = 0;
  std::string token_;
};

TEST_F(FleetSync, EveryRecordOnceThroughAServerKillAndOnlyTheAskedDeviceInstalls) {
  const std::vector<std::string> server_args = {"--home", "home", "--trust", ws_.trust};
  ASSERT_EQ(RunEdgeloop({"init", "--home", "home"}, Dir()).exit_code, 0);
  std::vector<std::string> first_args = server_args;
  first_args.insert(first_args.end(), {"--listen", "127.0.0.1:0"});
  auto server = std::make_unique<ServerProcess>(Dir(), first_args, 1);
  port_ = server->WaitForPort();
  ASSERT_GT(port_, 0) << server->Describe();
  token_ = std::string(Trim(ReadText(Dir() + "/home/admin.token")));
  ASSERT_FALSE(token_.empty());

  // The first bundle on the server, both devices provisioned and told to run it.
  const CommandResult upload = Cli({"bundle", "upload", ws_.v1});
  ASSERT_EQ(upload.exit_code, 0) << upload.Describe();
  EXPECT_EQ(JsonOut(upload)["digest"], ws_.v1_digest) << upload.Describe();
  const std::string server_section = "server:\n  url: http://127.0.0.1:" + std::to_string(port_) +
                                     "\n  token_file: TOKEN\n  sync_period_s: 1\n"
                                     "  batch_records: 25\n";
  for (Device& d : devices_) {
    const CommandResult provisioned =
        Cli({"devices", "provision", d.id, "--site", "north", "--tag", "ring=test", "--tag",
             "model=ESP-400", "--asset", d.asset, "--token-out", d.id + ".token"},
            /*as_json=*/false);
    ASSERT_EQ(provisioned.exit_code, 0) << provisioned.Describe();
    EXPECT_NE(provisioned.out.find(d.id + ".token"), std::string::npos) << provisioned.Describe();
    EXPECT_TRUE(ReadText(Dir() + "/" + d.id + ".token").starts_with("elt_tok-"));
    const CommandResult desired = Cli({"devices", "set-desired", d.id, "--bundle", ws_.v1_digest});
    ASSERT_EQ(desired.exit_code, 0) << desired.Describe();
    EXPECT_EQ(JsonOut(desired)["twin"]["desired"]["bundle_digest"], ws_.v1_digest);

    std::string section = server_section;
    section.replace(section.find("TOKEN"), 5, d.id + ".token");
    ASSERT_TRUE(WriteText(Dir() + "/" + d.Config(),
                          AgentConfig(d.id, "data-" + d.id, d.id + ".csv", section)));
    const CommandResult install = RunAgent({"install", "--config", d.Config(), ws_.v1}, Dir());
    ASSERT_EQ(install.exit_code, 0) << install.Describe();
  }
  const CommandResult again = Cli({"devices", "provision", "gw-a", "--site", "north"});
  EXPECT_EQ(again.exit_code, 7) << again.Describe();  // 409: the id exists
  EXPECT_NE(again.err.find("gw-a"), std::string::npos) << again.Describe();

  for (Device& d : devices_) {
    d.agent = AgentProcess::Start({"run", "--config", d.Config()}, Dir());
    ASSERT_NE(d.agent, nullptr);
  }

  // Kill the server once the first batches are in, while the agents still drain their outboxes;
  // restart it on the same home and port.
  ASSERT_TRUE(WaitUntil(
      [&] {
        for (const Device& d : devices_) {
          json twin = Twin(d.id);
          if (!twin.is_object() || twin["acked_through"].get<int64_t>() == 0) return false;
        }
        return true;
      },
      kDeadlineMs))
      << server->Describe();
  int64_t acked_at_kill = 0;
  for (const Device& d : devices_) acked_at_kill += Twin(d.id)["acked_through"].get<int64_t>();
  server->Kill();
  std::printf("server killed with %lld of %zu records acknowledged\n",
              static_cast<long long>(acked_at_kill),
              devices_[0].reference.size() + devices_[1].reference.size());
  std::vector<std::string> again_args = server_args;
  again_args.insert(again_args.end(), {"--listen", "127.0.0.1:" + std::to_string(port_)});
  server = std::make_unique<ServerProcess>(Dir(), again_args, 2);
  ASSERT_EQ(server->WaitForPort(), port_) << server->Describe();

  // Both agents drain their replays and their outboxes; the server holds every record once.
  ASSERT_TRUE(WaitUntil([&] { return Drained(devices_[0]) && Drained(devices_[1]); }, kDeadlineMs))
      << "gw-a twin " << Twin("gw-a").dump() << "\ngw-b twin " << Twin("gw-b").dump() << "\n"
      << devices_[0].agent->Describe() << "\n" << devices_[1].agent->Describe();
  for (const Device& d : devices_) {
    EXPECT_TRUE(d.agent->Running()) << d.agent->Describe();
    ExpectSameRecords(d);
    EXPECT_TRUE(ReadOutbox(Dir() + "/" + d.Outbox()).empty()) << "acknowledged records were kept";
    json twin = Twin(d.id);
    EXPECT_EQ(twin["reported"]["running_bundle"], ws_.v1_digest);
    EXPECT_EQ(twin["records_received"], static_cast<int64_t>(d.reference.size()));
  }

  // The CLI shows the same.
  const CommandResult listed = Cli({"devices", "list", "--selector", "ring=test"});
  ASSERT_EQ(listed.exit_code, 0) << listed.Describe();
  ASSERT_EQ(JsonOut(listed)["devices"].size(), 2u) << listed.Describe();
  const CommandResult none = Cli({"devices", "list", "--selector", "ring=canary"});
  EXPECT_EQ(JsonOut(none)["devices"].size(), 0u) << none.Describe();
  const CommandResult shown = Cli({"devices", "show", "gw-b"}, /*as_json=*/false);
  ASSERT_EQ(shown.exit_code, 0) << shown.Describe();
  EXPECT_NE(shown.out.find(ws_.v1_digest), std::string::npos) << shown.Describe();
  EXPECT_NE(shown.out.find("depth 0"), std::string::npos) << shown.Describe();
  const CommandResult unknown = Cli({"devices", "show", "gw-zz"});
  EXPECT_EQ(unknown.exit_code, 3) << unknown.Describe();

  // A second bundle, desired by gw-a only: gw-a downloads, verifies and installs it.
  const CommandResult unknown_bundle =
      Cli({"devices", "set-desired", "gw-a", "--bundle", ws_.v2_digest});
  EXPECT_EQ(unknown_bundle.exit_code, 7) << unknown_bundle.Describe();  // not uploaded yet
  const CommandResult upload2 = Cli({"bundle", "upload", ws_.v2}, /*as_json=*/false);
  ASSERT_EQ(upload2.exit_code, 0) << upload2.Describe();
  EXPECT_NE(upload2.out.find(ws_.v2_digest), std::string::npos) << upload2.Describe();
  const CommandResult desired2 = Cli({"devices", "set-desired", "gw-a", "--bundle", ws_.v2_digest},
                                     /*as_json=*/false);
  ASSERT_EQ(desired2.exit_code, 0) << desired2.Describe();
  ASSERT_TRUE(WaitUntil(
      [&] {
        json reported = Twin("gw-a")["reported"];
        return reported.is_object() && reported["running_bundle"] == ws_.v2_digest &&
               reported["last_install"]["outcome"] == "installed";
      },
      kDeadlineMs))
      << Twin("gw-a").dump() << "\n" << devices_[0].agent->Describe();
  json twin_a = Twin("gw-a");
  EXPECT_EQ(twin_a["reported"]["last_install"]["bundle_digest"], ws_.v2_digest);
  EXPECT_EQ(twin_a["reported"]["previous_bundle"], ws_.v1_digest);
  json twin_b = Twin("gw-b");
  EXPECT_EQ(twin_b["reported"]["running_bundle"], ws_.v1_digest);
  EXPECT_EQ(twin_b["reported"]["last_install"]["outcome"], "none");
  // Nothing was sent twice along the way.
  for (const Device& d : devices_) ExpectSameRecords(d);

  for (Device& d : devices_) {
    d.agent->Signal(SIGTERM);
    EXPECT_EQ(d.agent->WaitExit(30'000), 0) << d.agent->Describe();
  }
}

}  // namespace
}  // namespace edgeloop::cli_test
