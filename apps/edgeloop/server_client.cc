#include "edgeloop/server_client.h"

#include "base/strings.h"
#include "net/httplib_client.h"

namespace edgeloop::app {

using nlohmann::json;

Result<std::string> ResolveToken(FileSystem& fs, const std::string& token_file,
                                 const char* env_token) {
  if (!token_file.empty()) {
    EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(token_file));
    std::string_view first = text;
    first = Trim(first.substr(0, first.find('\n')));
    if (first.empty()) return InvalidArgument(token_file + ": the token file is empty");
    return std::string(first);
  }
  if (env_token != nullptr && !Trim(env_token).empty()) return std::string(Trim(env_token));
  return InvalidArgument(
      "no token: pass --token-file FILE or set EDGELOOP_TOKEN (the server wrote the first admin "
      "token to <home>/admin.token)");
}

Status StatusFromReply(const net::HttpResponse& response) {
  if (response.status >= 200 && response.status < 300) return Status::Ok();
  std::string message = "server answered " + std::to_string(response.status);
  json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_discarded() && body.is_object() && body.contains("error") &&
      body["error"].is_object() && body["error"].contains("message") &&
      body["error"]["message"].is_string()) {
    message = body["error"]["message"].get<std::string>();
  }
  switch (response.status) {
    case 400: return InvalidArgument(message);
    case 401: return Unauthenticated(message);
    case 403: return PermissionDenied(message);
    case 404: return NotFound(message);
    case 409: return FailedPrecondition(message);
    case 413: return ResourceExhausted(message);
    case 503: return Unavailable(message);
    default: return Internal(message);
  }
}

Result<std::unique_ptr<ServerClient>> ServerClient::Connect(const ServerClientFlags& flags,
                                                            FileSystem& fs,
                                                            const char* env_server,
                                                            const char* env_token) {
  std::string url = flags.server;
  if (url.empty() && env_server != nullptr) url = std::string(Trim(env_server));
  if (url.empty()) url = kDefaultServerUrl;
  net::HttpClientOptions options;
  EL_ASSIGN_OR_RETURN(options.bearer_token, ResolveToken(fs, flags.token_file, env_token));
  Result<std::unique_ptr<net::HttpClient>> client = net::NewHttplibClient(url, options);
  if (!client.ok()) return client.status().WithContext("--server");
  return std::make_unique<ServerClient>(url, std::move(client).value());
}

Result<net::HttpResponse> ServerClient::Send(const net::HttpRequest& request) {
  Result<net::HttpResponse> reply = client_->Send(request);
  if (!reply.ok()) return reply.status().WithContext("edgeloop server at " + base_url_);
  return reply;
}

Result<json> ServerClient::JsonOf(const std::string& what, Result<net::HttpResponse> reply) {
  if (!reply.ok()) return reply.status();
  EL_RETURN_IF_ERROR(StatusFromReply(*reply));
  json body = json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return Internal(what + ": the server's reply is not JSON");
  return body;
}

Result<json> ServerClient::GetJson(const std::string& path,
                                   const std::map<std::string, std::string>& query) {
  net::HttpRequest request;
  request.method = "GET";
  request.path = path;
  request.query = query;
  return JsonOf("GET " + path, Send(request));
}

Result<json> ServerClient::SendJson(const std::string& method, const std::string& path,
                                    const json& body) {
  net::HttpRequest request;
  request.method = method;
  request.path = path;
  request.headers["content-type"] = "application/json";
  request.body = body.dump();
  return JsonOf(method + " " + path, Send(request));
}

}  // namespace edgeloop::app
