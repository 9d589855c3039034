#include "net/httplib_client.h"

#include <httplib.h>

#include <exception>
#include <mutex>

#include "base/strings.h"

namespace edgeloop::net {

namespace {

constexpr const char* kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

// The decoded path, percent-encoded segment by segment (the server decodes it back).
std::string EncodePath(std::string_view path) {
  std::vector<std::string> segments;
  for (std::string_view segment : Split(path, '/')) segments.push_back(PercentEncode(segment));
  return Join(segments, "/");
}

class HttplibClient final : public HttpClient {
 public:
  HttplibClient(std::string base_url, std::string origin, std::string prefix,
                const HttpClientOptions& options)
      : base_url_(std::move(base_url)), prefix_(std::move(prefix)), options_(options),
        client_(origin) {
    client_.set_tcp_nodelay(true);
    client_.set_keep_alive(options.keep_alive);
    client_.set_url_encode(false);
    client_.set_connection_timeout(options.connect_timeout_ms / 1000,
                                   (options.connect_timeout_ms % 1000) * 1000);
    client_.set_read_timeout(options.read_timeout_ms / 1000,
                             (options.read_timeout_ms % 1000) * 1000);
    client_.set_write_timeout(options.write_timeout_ms / 1000,
                              (options.write_timeout_ms % 1000) * 1000);
    if (!options.bearer_token.empty()) client_.set_bearer_token_auth(options.bearer_token);
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    bool known = false;
    for (const char* method : kMethods) known = known || request.method == method;
    if (!known) {
      return InvalidArgument("cannot send " + request.method + " " + request.path + " to " +
                             base_url_ + ": unsupported method");
    }
    const std::string what = request.method + " " + base_url_ + request.path;
    try {
      httplib::Request out;
      out.method = request.method;
      out.path = prefix_ + EncodePath(request.path.empty() ? "/" : request.path);
      if (!request.query.empty()) out.path += "?" + EncodeQuery(request.query);
      for (const auto& [key, value] : request.headers) {
        if (key == "content-length" || key == "host") continue;
        out.set_header(key.c_str(), value);
      }
      if (!request.body.empty() && request.headers.count("content-type") == 0) {
        out.set_header("Content-Type", "application/octet-stream");
      }
      out.body = request.body;

      std::lock_guard<std::mutex> lock(mu_);
      httplib::Result result = client_.send(out);
      if (!result) return MapError(result.error(), what);
      return ToHttpResponse(*result);
    } catch (const std::exception& e) {
      return Internal(what + ": " + e.what());
    }
  }

 private:
  Status MapError(httplib::Error error, const std::string& what) const {
    switch (error) {
      case httplib::Error::Connection:
        return Unavailable(what + ": cannot connect to the server");
      case httplib::Error::ConnectionTimeout:
        return DeadlineExceeded(what + ": no connection within " +
                           std::to_string(options_.connect_timeout_ms) + " ms");
      case httplib::Error::Read:
        // The library reports a read timeout and a dropped connection alike.
        return DeadlineExceeded(what + ": no complete response within " +
                           std::to_string(options_.read_timeout_ms) +
                           " ms (or the connection was dropped)");
      case httplib::Error::Write:
        return Unavailable(what + ": the connection failed while sending the request");
      case httplib::Error::SSLConnection:
      case httplib::Error::SSLLoadingCerts:
      case httplib::Error::SSLServerVerification:
        return Unavailable(what + ": TLS failed (" + httplib::to_string(error) + ")");
      case httplib::Error::Canceled:
        return Aborted(what + ": the request was canceled");
      default:
        return Internal(what + ": HTTP library error " + httplib::to_string(error));
    }
  }

  static HttpResponse ToHttpResponse(const httplib::Response& in) {
    HttpResponse out;
    out.status = in.status;
    out.content_type.clear();
    for (const auto& [key, value] : in.headers) {
      std::string lower = ToLower(key);
      if (lower == "content-type") {
        out.content_type = value;
        continue;
      }
      auto [it, inserted] = out.headers.emplace(lower, value);
      if (!inserted) it->second += ", " + value;
    }
    out.body = in.body;
    return out;
  }

  const std::string base_url_;
  const std::string prefix_;
  const HttpClientOptions options_;
  std::mutex mu_;
  httplib::Client client_;
};

}  // namespace

Result<std::unique_ptr<HttpClient>> NewHttplibClient(const std::string& base_url,
                                                     const HttpClientOptions& options) {
  const size_t scheme_end = base_url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : base_url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return InvalidArgument("server URL '" + base_url +
                           "' does not start with http:// or https://");
  }
  const size_t host_start = scheme_end + 3;
  const size_t path_start = base_url.find('/', host_start);
  std::string origin = base_url.substr(0, path_start);
  std::string prefix = path_start == std::string::npos ? "" : base_url.substr(path_start);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (origin.size() <= host_start || origin[host_start] == ':') {
    return InvalidArgument("server URL '" + base_url + "' has no host");
  }
  try {
    return std::unique_ptr<HttpClient>(
        std::make_unique<HttplibClient>(base_url, origin, prefix, options));
  } catch (const std::exception& e) {
    return Internal("cannot create an HTTP client for '" + base_url + "': " + e.what());
  }
}

}  // namespace edgeloop::net
