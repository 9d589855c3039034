// assets.csv: the pumps of a fleet, header `asset,site,tags`, tags written `key=value;key=value`.
//
// Reading is all or nothing: a malformed line (wrong field count, empty asset id, a tag without
// '=' or with an empty key, a key given twice, an asset listed twice) stops it with
// InvalidArgument("<file>:<line>: <reason>"); a file that cannot be read gives the FileSystem's
// NotFound / IoError. Assets come back sorted by id. Writing is atomic, sorted by id, and refuses
// tags that could not be read back (';' anywhere, '=' in a key).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/status.h"

namespace edgeloop::io {

struct Asset {
  std::string id;
  std::string site;
  std::map<std::string, std::string> tags;  // e.g. site=north, model=ESP-400

  bool operator==(const Asset& other) const = default;
};

Result<std::vector<Asset>> ReadAssetsCsv(const std::string& path, FileSystem& fs);
Result<std::vector<Asset>> ParseAssetsCsv(std::string name, std::string text);

// "key=value;key=value" into a map; InvalidArgument naming the bad item.
Result<std::map<std::string, std::string>> ParseTags(std::string_view text);
// The inverse of ParseTags (keys in order); InvalidArgument for unrepresentable tags.
Result<std::string> FormatTags(const std::map<std::string, std::string>& tags);

Result<std::string> FormatAssetsCsv(const std::vector<Asset>& assets);
Status WriteAssetsCsv(const std::vector<Asset>& assets, const std::string& path, FileSystem& fs);

}  // namespace edgeloop::io
