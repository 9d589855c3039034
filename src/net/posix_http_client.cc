#include "net/posix_http_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <vector>

#include "base/strings.h"
#include "net/internal/http_wire.h"
#include "net/internal/socket_stream.h"

namespace edgeloop::net {
namespace {

using internal::SocketStream;

constexpr const char* kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

// The decoded path, percent-encoded segment by segment (the server decodes it back).
std::string EncodePath(std::string_view path) {
  std::vector<std::string> segments;
  for (std::string_view segment : Split(path, '/')) segments.push_back(PercentEncode(segment));
  std::string encoded = Join(segments, "/");
  return encoded.empty() || encoded.front() != '/' ? "/" + encoded : encoded;
}

class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() { ::close(fd_); }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;

 private:
  const int fd_;
};

struct BaseUrl {
  std::string host;         // without brackets
  std::string port;         // digits
  std::string host_header;  // host[:port] as written
  std::string prefix;       // "" or "/edgeloop", no trailing '/'
};

Result<BaseUrl> ParseBaseUrl(const std::string& url) {
  const size_t scheme_end = url.find("://");
  const std::string scheme =
      scheme_end == std::string::npos ? "" : ToLower(url.substr(0, scheme_end));
  if (scheme == "https") {
    return InvalidArgument(
        "https is not supported by the edge HTTP client; use an http:// server URL (server URL '" +
        url + "')");
  }
  if (scheme != "http") {
    return InvalidArgument("server URL '" + url + "' does not start with http://");
  }
  const std::string rest = url.substr(scheme_end + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  BaseUrl out;
  out.host_header = rest.substr(0, authority_end);
  out.prefix = authority_end == std::string::npos ? "" : rest.substr(authority_end);
  if (out.prefix.find_first_of("?#") != std::string::npos) {
    return InvalidArgument("server URL '" + url + "' has a query or fragment");
  }
  while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  const std::string& authority = out.host_header;
  if (authority.find('@') != std::string::npos) {
    return InvalidArgument("server URL '" + url + "' has user info, which is not supported");
  }
  std::string port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos ||
        (close + 1 < authority.size() && authority[close + 1] != ':')) {
      return InvalidArgument("server URL '" + url + "' has a malformed IPv6 host");
    }
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size())
      port_text = authority.substr(close + 2);
    else
      port_text = "80";
  } else {
    const size_t colon = authority.find(':');
    out.host = authority.substr(0, colon);
    port_text = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  }
  if (out.host.empty()) return InvalidArgument("server URL '" + url + "' has no host");
  Result<int64_t> port =
      port_text.size() <= 5 && port_text.find_first_not_of("0123456789") == std::string::npos
          ? ParseInt(port_text)
          : Result<int64_t>(InvalidArgument("not a port"));
  if (!port.ok() || *port < 1 || *port > 65535) {
    return InvalidArgument("server URL '" + url + "' has port '" + port_text +
                           "', not a number from 1 to 65535");
  }
  out.port = std::to_string(*port);
  return out;
}

class PosixHttpClient final : public HttpClient {
 public:
  PosixHttpClient(std::string base_url, BaseUrl url, const HttpClientOptions& options)
      : base_url_(std::move(base_url)), url_(std::move(url)), options_(options) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    const bool known = std::any_of(std::begin(kMethods), std::end(kMethods),
                                   [&](const char* method) { return request.method == method; });
    if (!known) {
      return InvalidArgument("cannot send " + request.method + " " + request.path + " to " +
                             base_url_ + ": unsupported method");
    }
    const std::string what = request.method + " " + base_url_ + request.path;
    try {
      return Exchange(request, what);
    } catch (const std::exception& e) {
      return Internal(what + ": " + e.what());
    }
  }

 private:
  Result<HttpResponse> Exchange(const HttpRequest& request, const std::string& what) const {
    EL_ASSIGN_OR_RETURN(const std::string head, FormatHead(request, what));
    EL_ASSIGN_OR_RETURN(const int fd, Connect(what));
    ScopedFd closer(fd);
    SocketStream stream(fd, nullptr, options_.read_timeout_ms, options_.write_timeout_ms);
    const bool head_request = request.method == "HEAD";
    Status sent = stream.WriteAll(head);
    if (sent.ok() && !request.body.empty()) sent = stream.WriteAll(request.body);
    if (!sent.ok()) {
      if (IsDeadlineExceeded(sent)) {
        return DeadlineExceeded(what + ": could not send the request for " +
                                std::to_string(options_.write_timeout_ms) + " ms");
      }
      // The server may have answered early (a 413 before the body) and stopped reading.
      Result<HttpResponse> early = ReadResponse(stream, head_request, what);
      if (early.ok()) return early;
      return Unavailable(what + ": the connection failed while sending the request (" +
                         sent.message() + ")");
    }
    return ReadResponse(stream, head_request, what);
  }

  Result<std::string> FormatHead(const HttpRequest& request, const std::string& what) const {
    std::string target = url_.prefix + EncodePath(request.path);
    if (!request.query.empty()) target += "?" + EncodeQuery(request.query);
    std::string head =
        request.method + " " + target + " HTTP/1.1\r\nHost: " + url_.host_header + "\r\n";
    bool has_authorization = false;
    bool has_content_type = false;
    for (const auto& [key, value] : request.headers) {
      const std::string name = ToLower(key);
      if (name == "host" || name == "content-length" || name == "connection" ||
          name == "transfer-encoding") {
        continue;
      }
      if (!internal::IsToken(key) || !internal::IsSafeHeaderValue(value)) {
        return InvalidArgument(what + ": header '" + key + "' is not a valid header line");
      }
      has_authorization = has_authorization || name == "authorization";
      has_content_type = has_content_type || name == "content-type";
      head += key + ": " + value + "\r\n";
    }
    if (!options_.bearer_token.empty() && !has_authorization) {
      if (!internal::IsSafeHeaderValue(options_.bearer_token)) {
        return InvalidArgument(what + ": the bearer token contains a line break");
      }
      head += "Authorization: Bearer " + options_.bearer_token + "\r\n";
    }
    if (!request.body.empty() && !has_content_type) {
      head += "Content-Type: application/octet-stream\r\n";
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      head += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
    }
    head += "Connection: close\r\n\r\n";
    return head;
  }

  Result<int> Connect(const std::string& what) const {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(url_.host.c_str(), url_.port.c_str(), &hints, &found);
    if (rc != 0) {
      return Unavailable(what + ": cannot resolve host '" + url_.host + "' (" + gai_strerror(rc) +
                         ")");
    }
    Status last = Unavailable(what + ": cannot connect to the server (no address)");
    for (addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
      const int fd = ::socket(entry->ai_family, entry->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                              entry->ai_protocol);
      if (fd < 0) {
        last = Unavailable(what + ": cannot create a socket (" + std::strerror(errno) + ")");
        continue;
      }
      int error = ::connect(fd, entry->ai_addr, entry->ai_addrlen) == 0 ? 0 : errno;
      if (error == EINPROGRESS) {
        pollfd pfd{fd, POLLOUT, 0};
        int ready;
        do {
          ready = ::poll(
              &pfd, 1,
              static_cast<int>(std::clamp<int64_t>(options_.connect_timeout_ms, 1, 1 << 30)));
        } while (ready < 0 && errno == EINTR);
        if (ready == 0) {
          ::close(fd);
          last = DeadlineExceeded(what + ": no connection within " +
                                  std::to_string(options_.connect_timeout_ms) + " ms");
          continue;
        }
        socklen_t size = sizeof(error);
        if (ready < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
      }
      if (error != 0) {
        ::close(fd);
        last = Unavailable(what + ": cannot connect to the server (" + std::strerror(error) + ")");
        continue;
      }
      int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
      freeaddrinfo(found);
      return fd;
    }
    freeaddrinfo(found);
    return last;
  }

  // A read error of the exchange as this client reports it.
  Status ReadError(const Status& error, const SocketStream& stream, const std::string& what) const {
    if (IsDeadlineExceeded(error)) {
      return DeadlineExceeded(what + ": no complete response within " +
                              std::to_string(options_.read_timeout_ms) + " ms of silence");
    }
    switch (error.code()) {
      case StatusCode::kResourceExhausted:
        return ResourceExhausted(what + ": response " + error.message());
      case StatusCode::kInvalidArgument:
      case StatusCode::kFailedPrecondition:
        return Unavailable(what + ": malformed response: " + error.message());
      default:
        if (stream.closed()) {
          return Unavailable(what + ": the server closed the connection before the response " +
                             "was complete");
        }
        return Unavailable(what + ": " + error.message());
    }
  }

  Result<HttpResponse> ReadResponse(SocketStream& stream, bool head_request,
                                    const std::string& what) const {
    HttpResponse response;
    std::map<std::string, std::string> headers;
    while (true) {  // interim 1xx responses are read and dropped
      headers.clear();
      Result<std::string> line = stream.ReadLine(internal::kMaxHeadBytes);
      if (!line.ok()) {
        const bool long_line = line.status().code() == StatusCode::kResourceExhausted;
        return ReadError(long_line ? InvalidArgument("status line is too long") : line.status(),
                         stream, what);
      }
      Result<internal::StatusLine> status_line = internal::ParseStatusLine(*line);
      if (!status_line.ok()) return ReadError(status_line.status(), stream, what);
      size_t budget = internal::kMaxHeadBytes;
      while (true) {
        Result<std::string> header = stream.ReadLine(budget);
        if (!header.ok()) {
          const bool too_long = header.status().code() == StatusCode::kResourceExhausted;
          return ReadError(too_long
                               ? InvalidArgument("header fields are longer than " +
                                                 std::to_string(internal::kMaxHeadBytes) + " bytes")
                               : header.status(),
                           stream, what);
        }
        if (header->empty()) break;
        budget -= std::min(budget, header->size() + 2);
        Status added = internal::AddHeaderLine(*header, &headers);
        if (!added.ok()) return ReadError(added, stream, what);
      }
      response.status = status_line->status;
      if (response.status >= 200 || response.status == 101) break;
    }
    const bool bodyless =
        head_request || response.status == 204 || response.status == 304 || response.status < 200;
    if (!bodyless) {
      Result<internal::BodyFrame> frame = internal::ParseBodyFraming(headers, false);
      if (!frame.ok()) return ReadError(frame.status(), stream, what);
      Status read;
      switch (frame->framing) {
        case internal::BodyFraming::kContentLength:
          if (frame->length > kMaxResponseBodyBytes) {
            return ResourceExhausted(what + ": response body of " + std::to_string(frame->length) +
                                     " bytes exceeds the limit of " +
                                     std::to_string(kMaxResponseBodyBytes) + " bytes");
          }
          response.body.reserve(frame->length);
          read = stream.ReadExact(frame->length, &response.body);
          break;
        case internal::BodyFraming::kChunked:
          read = internal::ReadChunkedBody(stream, kMaxResponseBodyBytes, &response.body);
          break;
        case internal::BodyFraming::kUntilClose:
          read = stream.ReadToEnd(kMaxResponseBodyBytes, &response.body);
          break;
        case internal::BodyFraming::kNone:
          break;
      }
      if (!read.ok()) return ReadError(read, stream, what);
    }
    auto content_type = headers.find("content-type");
    response.content_type.clear();
    if (content_type != headers.end()) {
      response.content_type = std::move(content_type->second);
      headers.erase(content_type);
    }
    response.headers = std::move(headers);
    return response;
  }

  const std::string base_url_;
  const BaseUrl url_;
  const HttpClientOptions options_;
};

}  // namespace

Result<std::unique_ptr<HttpClient>> NewPosixHttpClient(const std::string& base_url,
                                                       const HttpClientOptions& options) {
  EL_ASSIGN_OR_RETURN(BaseUrl url, ParseBaseUrl(base_url));
  return std::unique_ptr<HttpClient>(
      std::make_unique<PosixHttpClient>(base_url, std::move(url), options));
}

}  // namespace edgeloop::net
