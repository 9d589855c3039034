#include "net/internal/http_wire.h"

#include <vector>

#include "base/strings.h"

namespace edgeloop::net::internal {

namespace {

constexpr size_t kMaxChunkSizeLine = 4096;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Optional whitespace of a header field: spaces and tabs only.
std::string_view TrimOws(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "HTTP/1.1" -> 1; -1 for another HTTP version; -2 when not an HTTP version at all.
int MinorVersion(std::string_view text) {
  if (text.size() != 8 || !StartsWith(text, "HTTP/") || text[6] != '.' ||
      !IsDigits(text.substr(5, 1)) || !IsDigits(text.substr(7, 1))) {
    return -2;
  }
  if (text[5] != '1' || (text[7] != '0' && text[7] != '1')) return -1;
  return text[7] - '0';
}

std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 80)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  if (text.size() > 80) out += "...";
  return out;
}

}  // namespace

bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool alnum = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool IsSafeHeaderValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

Result<RequestLine> ParseRequestLine(std::string_view line) {
  const size_t first = line.find(' ');
  const size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    return InvalidArgument("request line '" + Printable(line) +
                           "' is not 'METHOD target HTTP/1.1'");
  }
  RequestLine out;
  out.method = std::string(line.substr(0, first));
  out.target = std::string(line.substr(first + 1, second - first - 1));
  const std::string_view version = line.substr(second + 1);
  if (!IsToken(out.method)) {
    return InvalidArgument("request method '" + Printable(out.method) + "' is not a token");
  }
  if (out.target.empty()) return InvalidArgument("request line has an empty target");
  for (char c : out.target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return InvalidArgument("request target '" + Printable(out.target) +
                             "' contains a control character");
    }
  }
  const int minor = MinorVersion(version);
  if (minor == -1) {
    return FailedPrecondition("protocol " + Printable(version) +
                              " is not supported (HTTP/1.0 or HTTP/1.1 expected)");
  }
  if (minor < 0) {
    return InvalidArgument("request line ends in '" + Printable(version) +
                           "', not an HTTP version");
  }
  out.minor_version = minor;
  return out;
}

Result<StatusLine> ParseStatusLine(std::string_view line) {
  StatusLine out;
  const int minor = MinorVersion(line.substr(0, 8));
  if (minor < 0 || line.size() < 12 || line[8] != ' ' || !IsDigits(line.substr(9, 3)) ||
      (line.size() > 12 && line[12] != ' ')) {
    return InvalidArgument("status line '" + Printable(line) + "' is not 'HTTP/1.1 200 OK'");
  }
  out.minor_version = minor;
  out.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (out.status < 100) {
    return InvalidArgument("status line '" + Printable(line) + "' has status below 100");
  }
  if (line.size() > 13) out.reason = std::string(line.substr(13));
  return out;
}

Status AddHeaderLine(std::string_view line, std::map<std::string, std::string>* headers) {
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    return InvalidArgument("header line '" + Printable(line) +
                           "' continues the previous one (obsolete line folding)");
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return InvalidArgument("header line '" + Printable(line) + "' has no ':'");
  }
  const std::string_view name = line.substr(0, colon);
  if (!IsToken(name)) {
    return InvalidArgument("header name '" + Printable(name) + "' is not a token");
  }
  const std::string_view value = TrimOws(line.substr(colon + 1));
  if (!IsSafeHeaderValue(value)) {
    return InvalidArgument("header '" + Printable(name) + "' has a CR or NUL in its value");
  }
  auto [it, inserted] = headers->emplace(ToLower(name), std::string(value));
  if (!inserted) {
    it->second += ", ";
    it->second += value;
  }
  return Status::Ok();
}

std::string PercentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::map<std::string, std::string> ParseQuery(std::string_view text) {
  std::map<std::string, std::string> query;
  for (std::string_view piece : Split(text, '&')) {
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    std::string key = PercentDecode(piece.substr(0, eq), true);
    if (key.empty()) continue;
    std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(piece.substr(eq + 1), true);
    query.emplace(std::move(key), std::move(value));
  }
  return query;
}

Result<BodyFrame> ParseBodyFraming(const std::map<std::string, std::string>& headers,
                                   bool is_request) {
  const auto te = headers.find("transfer-encoding");
  const auto cl = headers.find("content-length");
  BodyFrame frame;
  if (te != headers.end()) {
    if (cl != headers.end() && is_request) {
      return InvalidArgument("request has both Content-Length and Transfer-Encoding");
    }
    std::vector<std::string> codings;
    for (std::string_view coding : Split(te->second, ',')) {
      coding = TrimOws(coding);
      if (!coding.empty()) codings.push_back(ToLower(coding));
    }
    if (codings.size() != 1 || codings[0] != "chunked") {
      return FailedPrecondition("transfer coding '" + Printable(te->second) +
                                "' is not supported (only chunked)");
    }
    frame.framing = BodyFraming::kChunked;
    return frame;
  }
  if (cl != headers.end()) {
    bool first = true;
    for (std::string_view part : Split(cl->second, ',')) {
      part = TrimOws(part);
      if (!IsDigits(part) || part.size() > 18) {
        return InvalidArgument("Content-Length '" + Printable(cl->second) +
                               "' is not a byte count");
      }
      uint64_t length = 0;
      for (char c : part) length = length * 10 + static_cast<uint64_t>(c - '0');
      if (!first && length != frame.length) {
        return InvalidArgument("Content-Length '" + Printable(cl->second) +
                               "' gives different lengths");
      }
      frame.length = length;
      first = false;
    }
    frame.framing = BodyFraming::kContentLength;
    return frame;
  }
  frame.framing = is_request ? BodyFraming::kNone : BodyFraming::kUntilClose;
  return frame;
}

Status ReadChunkedBody(SocketStream& stream, size_t max_bytes, std::string* body) {
  size_t data_bytes = 0;
  while (true) {
    Result<std::string> line = stream.ReadLine(kMaxChunkSizeLine);
    if (!line.ok()) {
      if (line.status().code() == StatusCode::kResourceExhausted) {
        return InvalidArgument("chunk size line is longer than " +
                               std::to_string(kMaxChunkSizeLine) + " bytes");
      }
      return line.status();
    }
    const std::string_view size_text = TrimOws(std::string_view(*line).substr(0, line->find(';')));
    if (size_text.empty() || size_text.size() > 15) {
      return InvalidArgument("chunk size '" + Printable(*line) + "' is not a hex number");
    }
    uint64_t size = 0;
    for (char c : size_text) {
      const int digit = HexValue(c);
      if (digit < 0) {
        return InvalidArgument("chunk size '" + Printable(*line) + "' is not a hex number");
      }
      size = size * 16 + static_cast<uint64_t>(digit);
    }
    if (size == 0) break;
    if (size > max_bytes - data_bytes) {
      return ResourceExhausted("chunked body is longer than " + std::to_string(max_bytes) +
                               " bytes");
    }
    EL_RETURN_IF_ERROR(stream.ReadExact(size, body));
    data_bytes += size;
    Result<std::string> end = stream.ReadLine(2);
    if (!end.ok() && end.status().code() != StatusCode::kResourceExhausted) return end.status();
    if (!end.ok() || !end->empty()) {
      return InvalidArgument("chunk data is not followed by CRLF");
    }
  }
  size_t budget = kMaxHeadBytes;
  while (true) {  // trailer fields, discarded
    Result<std::string> trailer = stream.ReadLine(budget);
    if (!trailer.ok()) {
      if (trailer.status().code() == StatusCode::kResourceExhausted) {
        return InvalidArgument("chunked trailer is longer than " + std::to_string(kMaxHeadBytes) +
                               " bytes");
      }
      return trailer.status();
    }
    if (trailer->empty()) return Status::Ok();
    budget -= std::min(budget, trailer->size() + 2);
  }
}

std::string_view ReasonPhrase(int status) {
  // clang-format off
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";
  }
  // clang-format on
}

}  // namespace edgeloop::net::internal
