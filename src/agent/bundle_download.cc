#include "agent/bundle_download.h"

#include <algorithm>
#include <utility>

#include "base/sha256.h"
#include "base/strings.h"

namespace edgeloop::agent {
namespace {

bool IsDigest(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

struct ContentRange {
  int64_t first = -1;  // -1 for "bytes */total"
  int64_t last = -1;
  int64_t total = -1;  // -1 when the server does not know ("/*")
};

// "bytes 100-199/1000", "bytes 100-199/*" or "bytes */1000".
std::optional<ContentRange> ParseContentRange(std::string_view text) {
  text = Trim(text);
  if (!StartsWith(text, "bytes ")) return std::nullopt;
  text.remove_prefix(6);
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  ContentRange range;
  const std::string_view span = text.substr(0, slash);
  const std::string_view total = text.substr(slash + 1);
  if (total != "*") {
    Result<int64_t> t = ParseInt(total);
    if (!t.ok() || *t < 0) return std::nullopt;
    range.total = *t;
  }
  if (span == "*") return range;
  const size_t dash = span.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  Result<int64_t> first = ParseInt(span.substr(0, dash));
  Result<int64_t> last = ParseInt(span.substr(dash + 1));
  if (!first.ok() || !last.ok() || *first < 0 || *last < *first) return std::nullopt;
  range.first = *first;
  range.last = *last;
  return range;
}

}  // namespace

std::string ServerAnswer(const net::HttpResponse& response) {
  std::string body = response.body.substr(0, 300);
  for (char& c : body) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return "server answered " + std::to_string(response.status) + (body.empty() ? "" : ": " + body);
}

BundleDownload::BundleDownload(net::HttpClient& http, FileSystem& fs, std::string staging_dir,
                               int64_t max_bytes)
    : http_(http), fs_(fs), staging_dir_(std::move(staging_dir)), max_bytes_(max_bytes) {}

std::string BundleDownload::PartPath(const std::string& digest) const {
  return JoinPath(staging_dir_, digest + ".part");
}

void BundleDownload::Discard(const std::string& digest) {
  const std::string part = PartPath(digest);
  if (fs_.Exists(part)) (void)fs_.Remove(part);
}

int64_t BundleDownload::PartialBytes(const std::string& digest) {
  const std::string part = PartPath(digest);
  if (!fs_.Exists(part)) return 0;
  Result<uint64_t> size = fs_.FileSize(part);
  return size.ok() ? static_cast<int64_t>(*size) : 0;
}

Result<std::optional<std::string>> BundleDownload::Fetch(const std::string& digest,
                                                         const std::string& url) {
  if (!IsDigest(digest))
    return InvalidArgument("bundle digest '" + digest + "' is not a sha256 digest");
  if (url.empty() || url[0] != '/') {
    return InvalidArgument("bundle " + ShortDigest(digest) + ": download path '" + url +
                           "' does not start with '/'");
  }
  EL_RETURN_IF_ERROR(fs_.CreateDirs(staging_dir_));
  const std::string part = PartPath(digest);
  const int64_t offset = PartialBytes(digest);
  const std::string what = "bundle " + ShortDigest(digest) + ": GET " + url;

  net::HttpRequest request;
  request.method = "GET";
  request.path = url;
  // Asked for even from the first byte, so a server may answer in pieces.
  request.headers["range"] = "bytes=" + std::to_string(offset) + "-";
  Result<net::HttpResponse> sent = http_.Send(request);
  if (!sent.ok()) return Unavailable(what + ": " + sent.status().message());
  const net::HttpResponse& response = *sent;

  if (response.status == 200) {
    // The whole file (the server ignored the range, or there was none).
    if (static_cast<int64_t>(response.body.size()) > max_bytes_) {
      Discard(digest);
      return ResourceExhausted(what + ": " + std::to_string(response.body.size()) +
                               " bytes, more than the limit of " + std::to_string(max_bytes_));
    }
    EL_RETURN_IF_ERROR(fs_.WriteFileAtomic(part, response.body));
    return Finish(digest, /*resumed=*/false);
  }
  if (response.status == 206) {
    const std::optional<ContentRange> range =
        ParseContentRange(net::HeaderValue(response, "content-range"));
    if (!range || range->first < 0) {
      return Unavailable(what + ": 206 without a usable Content-Range ('" +
                         net::HeaderValue(response, "content-range") + "')");
    }
    if (range->first != offset) {
      // Not the bytes that follow ours: start again from the first byte next time.
      Discard(digest);
      return Unavailable(what + ": asked for bytes from " + std::to_string(offset) +
                         ", the server sent them from " + std::to_string(range->first));
    }
    if (static_cast<int64_t>(response.body.size()) != range->last - range->first + 1) {
      return Unavailable(what + ": the response holds " + std::to_string(response.body.size()) +
                         " bytes, its Content-Range says " +
                         std::to_string(range->last - range->first + 1));
    }
    if (range->last + 1 > max_bytes_ || range->total > max_bytes_) {
      Discard(digest);
      return ResourceExhausted(what + ": " +
                               std::to_string(std::max(range->total, range->last + 1)) +
                               " bytes, more than the limit of " + std::to_string(max_bytes_));
    }
    EL_RETURN_IF_ERROR(fs_.AppendFile(part, response.body));
    if (range->total >= 0 && range->last + 1 >= range->total) return Finish(digest, offset > 0);
    return std::optional<std::string>();  // more to come
  }
  if (response.status == 416 && offset > 0) {
    // Nothing after our bytes: the partial file may hold the whole bundle already.
    const std::optional<ContentRange> range =
        ParseContentRange(net::HeaderValue(response, "content-range"));
    if (range && range->total == offset) return Finish(digest, /*resumed=*/true);
    Discard(digest);
    return Unavailable(what + ": the server cannot continue from byte " + std::to_string(offset) +
                       "; starting again from the first byte");
  }
  return Unavailable(what + ": " + ServerAnswer(response));
}

Result<std::optional<std::string>> BundleDownload::Finish(const std::string& digest, bool resumed) {
  const std::string part = PartPath(digest);
  EL_ASSIGN_OR_RETURN(std::string bytes, fs_.ReadFile(part));
  const std::string actual = Sha256Hex(bytes);
  if (actual == digest) return std::optional<std::string>(std::move(bytes));
  Discard(digest);
  const std::string what = "bundle " + ShortDigest(digest) + ": the " +
                           std::to_string(bytes.size()) + " bytes downloaded hash to " +
                           ShortDigest(actual);
  // Pieces from several responses may not belong together; one whole download decides.
  if (resumed) return Unavailable(what + "; downloading it again from the first byte");
  return DataLoss(what);
}

}  // namespace edgeloop::agent
