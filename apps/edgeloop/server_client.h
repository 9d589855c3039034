// ServerClient: how `edgeloop` commands that talk to a running `edgeloop server` reach it.
//
// The server URL comes from `--server URL` (else $EDGELOOP_SERVER, else http://127.0.0.1:8080);
// the token from `--token-file FILE` (its first line) or else $EDGELOOP_TOKEN. Replies with a
// 2xx status give their JSON body; any other status becomes the Status the server's error body
// describes, with the server's message, through the inverse of server::StatusResponse (400
// InvalidArgument, 401 Unauthenticated, 403 PermissionDenied, 404 NotFound, 409
// FailedPrecondition, 413 ResourceExhausted, 503 Unavailable, others Internal), so ExitCodeFor
// gives scripts the same exit codes as the local commands.
//
// Thread-safety: one client per thread (see net/httplib_client.h).
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/file_system.h"
#include "base/status.h"
#include "net/http_client.h"

namespace edgeloop::app {

inline constexpr char kDefaultServerUrl[] = "http://127.0.0.1:8080";

struct ServerClientFlags {
  std::string server;      // "" = $EDGELOOP_SERVER or kDefaultServerUrl
  std::string token_file;  // "" = $EDGELOOP_TOKEN
};

// The token of `flags` and the environment; InvalidArgument saying how to give one when there
// is none, and the file's errors.
Result<std::string> ResolveToken(FileSystem& fs, const std::string& token_file,
                                 const char* env_token);

// The Status a non-2xx reply stands for (OK for 2xx).
Status StatusFromReply(const net::HttpResponse& response);

class ServerClient {
 public:
  // Environment values may be null.
  static Result<std::unique_ptr<ServerClient>> Connect(const ServerClientFlags& flags,
                                                       FileSystem& fs, const char* env_server,
                                                       const char* env_token);
  // Over an existing HttpClient (tests, or a client with other options).
  ServerClient(std::string base_url, std::unique_ptr<net::HttpClient> client)
      : base_url_(std::move(base_url)), client_(std::move(client)) {}

  Result<nlohmann::json> GetJson(const std::string& path,
                                 const std::map<std::string, std::string>& query = {});
  // `method` with `body` as compact JSON.
  Result<nlohmann::json> SendJson(const std::string& method, const std::string& path,
                                  const nlohmann::json& body);
  // Any request; the reply whatever its status (only exchange failures are errors).
  Result<net::HttpResponse> Send(const net::HttpRequest& request);

  const std::string& base_url() const { return base_url_; }

 private:
  Result<nlohmann::json> JsonOf(const std::string& what, Result<net::HttpResponse> reply);

  std::string base_url_;
  std::unique_ptr<net::HttpClient> client_;
};

}  // namespace edgeloop::app
