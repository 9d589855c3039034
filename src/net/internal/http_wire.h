// HTTP/1.1 message syntax (RFC 9112) for the POSIX server and client: request and status lines,
// header fields, percent-decoding, query strings and body framing. Pure functions over text,
// except ReadChunkedBody, which reads from a SocketStream.
//
// Parsing is strict where leniency lets a message be read two ways (whitespace before a header
// colon, folded header lines, Content-Length beside Transfer-Encoding, conflicting lengths) and
// lenient where it cannot (a bare LF line ending, an invalid %-escape kept as typed). Errors are
// InvalidArgument for malformed text and FailedPrecondition for a transfer coding other than
// chunked; messages say what was found.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/status.h"
#include "net/internal/socket_stream.h"

namespace edgeloop::net::internal {

// The request line plus header fields the server reads before answering 431 (or 414 when the
// request line alone is longer).
inline constexpr size_t kMaxHeadBytes = 64 << 10;

struct RequestLine {
  std::string method;
  std::string target;     // as sent: origin form "/p?q", absolute form or "*"
  int minor_version = 1;  // HTTP/1.<minor_version>
};

// "GET /a?b=c HTTP/1.1". InvalidArgument when malformed; FailedPrecondition when the version is
// not HTTP/1.0 or HTTP/1.1 (the server answers 505).
Result<RequestLine> ParseRequestLine(std::string_view line);

struct StatusLine {
  int minor_version = 1;
  int status = 0;
  std::string reason;
};

// "HTTP/1.1 200 OK"; InvalidArgument when malformed.
Result<StatusLine> ParseStatusLine(std::string_view line);

// Adds "Name: value" to `headers` under the lowercase name with the value trimmed; a repeated
// name appends ", value" (one list, as HTTP defines it). InvalidArgument when malformed.
Status AddHeaderLine(std::string_view line, std::map<std::string, std::string>* headers);

// True for an RFC 9110 token (method, header name).
bool IsToken(std::string_view text);
// True when `value` can go into a header line as is (no CR, LF or NUL).
bool IsSafeHeaderValue(std::string_view value);

// %XX decoding; an invalid escape is kept as typed. `plus_as_space` for query components.
std::string PercentDecode(std::string_view text, bool plus_as_space);
// "a=1&b=x+y&c" -> {a: 1, b: "x y", c: ""}; the first value of a repeated key wins.
std::map<std::string, std::string> ParseQuery(std::string_view text);

enum class BodyFraming { kNone, kContentLength, kChunked, kUntilClose };

struct BodyFrame {
  BodyFraming framing = BodyFraming::kNone;
  uint64_t length = 0;  // for kContentLength
};

// How the body of a message with these (lowercase) headers is delimited. A request without
// Content-Length or Transfer-Encoding has no body; a response without them runs until the
// connection closes. InvalidArgument for a bad or conflicting Content-Length, or both headers;
// FailedPrecondition for a transfer coding other than "chunked".
Result<BodyFrame> ParseBodyFraming(const std::map<std::string, std::string>& headers,
                                   bool is_request);

// Reads a chunked body (chunk extensions ignored, trailer fields discarded) and appends the
// data to `body`. ResourceExhausted past `max_bytes` of data; InvalidArgument for bad framing;
// the stream's errors otherwise.
Status ReadChunkedBody(SocketStream& stream, size_t max_bytes, std::string* body);

// "OK", "Not Found", ...; "" for a code without a standard phrase.
std::string_view ReasonPhrase(int status);

}  // namespace edgeloop::net::internal
