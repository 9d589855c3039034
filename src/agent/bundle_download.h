// BundleDownload: fetches a bundle the server asked for into the bundle manager's staging area,
// resuming what an earlier attempt left there.
//
// The bytes collect in <staging>/<digest>.part. A call asks for the rest of the file with
// `Range: bytes=N-` (N = the partial file's size, 0 at first) and takes what comes: a 206 whose
// Content-Range starts at N is appended (a server may send fewer bytes than asked; the next call
// goes on from there), a 200 carries the whole file and replaces the partial one, a 416 means
// the partial file already holds everything. Once every byte is there the file must hash to the
// digest it was asked for — bundles are addressed by the sha256 of their bytes — before anything
// else sees it.
//
// Owns nothing but the .part files; the HttpClient and FileSystem are borrowed. Not thread-safe
// (the agent's loop thread uses it). Errors of Fetch:
//   Unavailable — the exchange failed or the server answered an error; try again later (a
//                 resumed file that does not verify is removed, so the next try starts afresh);
//   DataLoss — a download from the first byte does not hash to the digest;
//   ResourceExhausted — the bundle is larger than max_bytes;
//   InvalidArgument — the digest or the URL is malformed; IoError — the staging area.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/file_system.h"
#include "base/status.h"
#include "net/http_client.h"
#include "net/http_types.h"

namespace edgeloop::agent {

class BundleDownload {
 public:
  BundleDownload(net::HttpClient& http, FileSystem& fs, std::string staging_dir, int64_t max_bytes);

  // The whole bundle, verified against `digest`, once every byte is here; nullopt while part of
  // it is still missing. `url` is the server path to GET ("/api/v1/bundles/<digest>/download").
  Result<std::optional<std::string>> Fetch(const std::string& digest, const std::string& url);
  // Removes the partial file of `digest`, if any.
  void Discard(const std::string& digest);
  // Bytes of `digest` already here (0 when none).
  int64_t PartialBytes(const std::string& digest);

  std::string PartPath(const std::string& digest) const;

 private:
  // Reads the complete partial file and checks its digest; `resumed` says whether it was put
  // together from more than one response.
  Result<std::optional<std::string>> Finish(const std::string& digest, bool resumed);

  net::HttpClient& http_;
  FileSystem& fs_;
  std::string staging_dir_;
  int64_t max_bytes_;
};

// "server answered 503: <the start of its body>", for messages about an error answer.
std::string ServerAnswer(const net::HttpResponse& response);

}  // namespace edgeloop::agent
