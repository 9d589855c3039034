#include "io/assets_reader.h"

#include <algorithm>

#include "base/strings.h"
#include "io/csv_reader.h"
#include "io/csv_writer.h"

namespace edgeloop::io {
namespace {

constexpr char kHeader[] = "asset,site,tags";

std::vector<Asset> SortedById(std::vector<Asset> assets) {
  std::stable_sort(assets.begin(), assets.end(),
                   [](const Asset& a, const Asset& b) { return a.id < b.id; });
  return assets;
}

}  // namespace

Result<std::map<std::string, std::string>> ParseTags(std::string_view text) {
  std::map<std::string, std::string> tags;
  if (Trim(text).empty()) return tags;
  for (std::string_view item : Split(text, ';')) {
    item = Trim(item);
    if (item.empty()) continue;  // tolerates "a=1;" and "a=1;;b=2"
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgument("tag '" + std::string(item) + "' is not key=value");
    }
    std::string key(Trim(item.substr(0, eq)));
    if (key.empty()) return InvalidArgument("tag '" + std::string(item) + "' has an empty key");
    std::string value(Trim(item.substr(eq + 1)));
    if (!tags.emplace(key, std::move(value)).second) {
      return InvalidArgument("tag '" + key + "' given twice");
    }
  }
  return tags;
}

Result<std::string> FormatTags(const std::map<std::string, std::string>& tags) {
  std::string out;
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.find_first_of("=;") != std::string::npos ||
        value.find(';') != std::string::npos || Trim(key) != key || Trim(value) != value) {
      return InvalidArgument("tag '" + key + "=" + value +
                             "' cannot be written (no ';', no '=' in the key, no surrounding "
                             "spaces)");
    }
    if (!out.empty()) out += ';';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

Result<std::vector<Asset>> ReadAssetsCsv(const std::string& path, FileSystem& fs) {
  EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path));
  return ParseAssetsCsv(path, std::move(text));
}

Result<std::vector<Asset>> ParseAssetsCsv(std::string name, std::string text) {
  EL_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader,
                      CsvReader::FromString(std::move(name), std::move(text)));
  std::vector<std::string> lower;
  for (const std::string& column : reader->header()) lower.push_back(ToLower(column));
  if (lower != std::vector<std::string>{"asset", "site", "tags"}) {
    return InvalidArgument(reader->name() + ":1: expected the header '" + kHeader + "', found '" +
                           Join(reader->header(), ",") + "'");
  }
  std::vector<Asset> assets;
  std::map<std::string, int64_t> first_line;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_record, reader->Next());
    if (!has_record) break;
    EL_RETURN_IF_ERROR(reader->ExpectFields(3));
    Asset asset;
    asset.id = std::string(Trim((*reader)[0]));
    if (asset.id.empty()) return reader->Error("empty asset");
    auto [it, inserted] = first_line.emplace(asset.id, reader->line());
    if (!inserted) {
      return reader->Error("asset " + asset.id + " listed twice (first on line " +
                           std::to_string(it->second) + ")");
    }
    asset.site = std::string(Trim((*reader)[1]));
    Result<std::map<std::string, std::string>> tags = ParseTags((*reader)[2]);
    if (!tags.ok()) return reader->Error("asset " + asset.id + ": " + tags.status().message());
    asset.tags = std::move(tags).value();
    assets.push_back(std::move(asset));
  }
  return SortedById(std::move(assets));
}

Result<std::string> FormatAssetsCsv(const std::vector<Asset>& assets) {
  std::string out = std::string(kHeader) + "\n";
  const std::vector<Asset> sorted = SortedById(assets);
  for (size_t i = 0; i < sorted.size(); ++i) {
    const Asset& asset = sorted[i];
    if (asset.id.empty()) return InvalidArgument("an asset has an empty id");
    if (i > 0 && sorted[i - 1].id == asset.id) {
      return InvalidArgument("asset " + asset.id + " listed twice");
    }
    Result<std::string> tags = FormatTags(asset.tags);
    if (!tags.ok()) return tags.status().WithContext("asset " + asset.id);
    AppendCsvField(&out, asset.id);
    out += ',';
    AppendCsvField(&out, asset.site);
    out += ',';
    AppendCsvField(&out, *tags);
    out += '\n';
  }
  return out;
}

Status WriteAssetsCsv(const std::vector<Asset>& assets, const std::string& path, FileSystem& fs) {
  Result<std::string> text = FormatAssetsCsv(assets);
  if (!text.ok()) return text.status().WithContext(path);
  return fs.WriteFileAtomic(path, *text);
}

}  // namespace edgeloop::io
