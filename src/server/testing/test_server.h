// TestServer: a real ControlPlane on 127.0.0.1 (port 0) over a fresh workspace in a temporary
// folder, with a simulated clock, seeded secrets and a real HTTP client, for tests of this module
// and above. Test-only, header-only.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/file_system.h"
#include "base/log.h"
#include "base/strings.h"
#include "net/httplib_client.h"
#include "server/control_plane.h"
#include "server/secret_source.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::server::testing {

inline constexpr int64_t kStartMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

class TestServer {
 public:
  // Starts a server on `options` (home is set here). Fails the test and returns null when it
  // cannot.
  static std::unique_ptr<TestServer> Start(ControlPlaneOptions options = {}) {
    std::unique_ptr<TestServer> s(new TestServer());
    if (s->dir_.path().empty()) {
      ADD_FAILURE() << "cannot make a temporary folder";
      return nullptr;
    }
    options.home = s->dir_.Join("home");
    options.threads = options.threads > 0 ? options.threads : 4;
    options.seed = 11;
    ControlPlaneSeams seams{&s->fs_, &s->clock_, &s->secrets_, &s->log_};
    Result<std::unique_ptr<ControlPlane>> plane = ControlPlane::Create(options, seams);
    if (!plane.ok()) {
      ADD_FAILURE() << plane.status().ToString();
      return nullptr;
    }
    s->plane_ = std::move(plane).value();
    Result<int> port = s->plane_->Listen("127.0.0.1", 0);
    if (!port.ok()) {
      ADD_FAILURE() << port.status().ToString();
      return nullptr;
    }
    s->port_ = *port;
    Result<std::string> token = s->fs_.ReadFile(options.home + "/admin.token");
    if (!token.ok()) {
      ADD_FAILURE() << token.status().ToString();
      return nullptr;
    }
    s->admin_token_ = std::string(Trim(*token));
    return s;
  }

  ControlPlane& plane() { return *plane_; }
  SimulatedClock& clock() { return clock_; }
  FileSystem& fs() { return fs_; }
  const std::string& admin_token() const { return admin_token_; }
  std::string home() const { return dir_.Join("home"); }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // A new token of `role`; "" (and a test failure) when it cannot be made.
  std::string Token(Role role, const std::string& name, const std::string& device_id = "") {
    NewToken spec;
    spec.role = role;
    spec.name = name;
    spec.device_id = device_id;
    Result<IssuedToken> issued = plane_->IssueToken(spec);
    if (!issued.ok()) {
      ADD_FAILURE() << issued.status().ToString();
      return "";
    }
    return issued->token;
  }

  // Sends one request with `token` ("" = none); a response with status 0 when there was none.
  net::HttpResponse Send(const std::string& method, const std::string& path,
                         const std::string& token, const std::string& body = "",
                         const std::map<std::string, std::string>& headers = {},
                         const std::map<std::string, std::string>& query = {}) {
    net::HttpClientOptions options;
    options.bearer_token = token;
    Result<std::unique_ptr<net::HttpClient>> client = net::NewHttplibClient(base_url(), options);
    net::HttpResponse none;
    none.status = 0;
    if (!client.ok()) {
      none.body = client.status().ToString();
      return none;
    }
    net::HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    request.headers = headers;
    request.query = query;
    Result<net::HttpResponse> response = (*client)->Send(request);
    if (!response.ok()) {
      none.body = response.status().ToString();
      return none;
    }
    return *response;
  }

  net::HttpResponse Get(const std::string& path, const std::string& token,
                        const std::map<std::string, std::string>& query = {}) {
    return Send("GET", path, token, "", {}, query);
  }

 private:
  TestServer() : clock_(kStartMs), secrets_(29), log_(LogLevel::kOff) {}

  store::testing::TempDir dir_;
  PosixFileSystem fs_;
  SimulatedClock clock_;
  SeededSecretSource secrets_;
  Logger log_;
  std::unique_ptr<ControlPlane> plane_;
  int port_ = 0;
  std::string admin_token_;
};

// "status body" for failure messages.
inline std::string Show(const net::HttpResponse& r) {
  return std::to_string(r.status) + " " + r.body.substr(0, 2000);
}

}  // namespace edgeloop::server::testing
