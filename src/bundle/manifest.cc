#include "bundle/manifest.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

namespace edgeloop::bundle {
namespace {

using nlohmann::json;

Status FieldError(std::string_view field, std::string_view what) {
  return InvalidArgument("manifest.json: " + std::string(field) + ": " + std::string(what));
}

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Typed access to an object member; every error names the dotted field path.
class Reader {
 public:
  Reader(const json& object, std::string path) : object_(object), path_(std::move(path)) {}

  std::string Path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  Result<const json*> Member(std::string_view key, json::value_t type, const char* what) const {
    auto it = object_.find(std::string(key));
    if (it == object_.end()) return FieldError(Path(key), "missing");
    bool ok = it->type() == type ||
              (type == json::value_t::number_integer && it->is_number_unsigned()) ||
              (type == json::value_t::number_float && it->is_number());
    if (!ok) return FieldError(Path(key), std::string("expected ") + what);
    return &*it;
  }
  Result<std::string> String(std::string_view key) const {
    EL_ASSIGN_OR_RETURN(const json* v, Member(key, json::value_t::string, "a string"));
    return v->get<std::string>();
  }
  Result<int64_t> Int(std::string_view key) const {
    EL_ASSIGN_OR_RETURN(const json* v, Member(key, json::value_t::number_integer, "an integer"));
    if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t{INT64_MAX}) {
      return FieldError(Path(key), "integer out of range");
    }
    return v->get<int64_t>();
  }
  Result<double> Number(std::string_view key) const {
    EL_ASSIGN_OR_RETURN(const json* v, Member(key, json::value_t::number_float, "a number"));
    return v->get<double>();
  }
  Result<Reader> Object(std::string_view key) const {
    EL_ASSIGN_OR_RETURN(const json* v, Member(key, json::value_t::object, "an object"));
    return Reader(*v, Path(key));
  }
  Result<const json*> Array(std::string_view key) const {
    return Member(key, json::value_t::array, "an array");
  }
  bool Has(std::string_view key) const { return object_.contains(std::string(key)); }

 private:
  const json& object_;
  std::string path_;
};

Result<std::vector<std::string>> StringArray(const json& array, const std::string& path) {
  std::vector<std::string> out;
  for (size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) {
      return FieldError(path + "[" + std::to_string(i) + "]", "expected a string");
    }
    out.push_back(array[i].get<std::string>());
  }
  return out;
}

Result<ReferenceHistogram> ParseHistogram(const json& item, const std::string& path) {
  if (!item.is_object()) return FieldError(path, "expected an object");
  Reader r(item, path);
  ReferenceHistogram h;
  EL_ASSIGN_OR_RETURN(h.feature, r.String("feature"));
  EL_ASSIGN_OR_RETURN(const json* edges, r.Array("edges"));
  for (size_t i = 0; i < edges->size(); ++i) {
    if (!(*edges)[i].is_number()) {
      return FieldError(r.Path("edges") + "[" + std::to_string(i) + "]", "expected a number");
    }
    h.edges.push_back((*edges)[i].get<double>());
  }
  EL_ASSIGN_OR_RETURN(const json* counts, r.Array("counts"));
  for (size_t i = 0; i < counts->size(); ++i) {
    if (!(*counts)[i].is_number_integer()) {
      return FieldError(r.Path("counts") + "[" + std::to_string(i) + "]", "expected an integer");
    }
    h.counts.push_back((*counts)[i].get<int64_t>());
  }
  return h;
}

Result<Manifest> ParseDocument(const json& doc) {
  if (!doc.is_object()) return FieldError("(document)", "expected a JSON object");
  Reader r(doc, "");
  Manifest m;
  EL_ASSIGN_OR_RETURN(int64_t format_version, r.Int("format_version"));
  if (format_version != kManifestFormatVersion) {
    return FieldError("format_version", "expected " + std::to_string(kManifestFormatVersion) +
                                            ", got " + std::to_string(format_version));
  }
  m.format_version = static_cast<int>(format_version);
  EL_ASSIGN_OR_RETURN(Reader bundle, r.Object("bundle"));
  EL_ASSIGN_OR_RETURN(m.name, bundle.String("name"));
  EL_ASSIGN_OR_RETURN(m.version, bundle.Int("version"));
  EL_ASSIGN_OR_RETURN(Reader model, r.Object("model"));
  EL_ASSIGN_OR_RETURN(m.model_kind, model.String("kind"));
  EL_ASSIGN_OR_RETURN(m.model_file, model.String("file"));
  EL_ASSIGN_OR_RETURN(const json* schema, r.Array("input_schema"));
  EL_ASSIGN_OR_RETURN(m.input_schema, StringArray(*schema, "input_schema"));
  EL_ASSIGN_OR_RETURN(Reader spec, r.Object("feature_spec"));
  EL_ASSIGN_OR_RETURN(m.feature_spec_file, spec.String("file"));
  EL_ASSIGN_OR_RETURN(m.feature_spec_yaml, spec.String("yaml"));
  EL_ASSIGN_OR_RETURN(m.feature_spec_digest, spec.String("digest"));
  EL_ASSIGN_OR_RETURN(m.threshold, r.Number("threshold"));
  EL_ASSIGN_OR_RETURN(Reader policy, r.Object("alert_policy"));
  EL_ASSIGN_OR_RETURN(int64_t k, policy.Int("k"));
  EL_ASSIGN_OR_RETURN(int64_t n, policy.Int("n"));
  if (k < 1 || k > 1'000'000) return FieldError("alert_policy.k", "expected 1..1000000");
  if (n < 1 || n > 1'000'000) return FieldError("alert_policy.n", "expected 1..1000000");
  m.alert_policy.k = static_cast<int>(k);
  m.alert_policy.n = static_cast<int>(n);
  EL_ASSIGN_OR_RETURN(m.alert_policy.cooldown_ms, policy.Int("cooldown_ms"));
  if (policy.Has("clear_ratio")) {
    EL_ASSIGN_OR_RETURN(m.alert_policy.clear_ratio, policy.Number("clear_ratio"));
  }
  EL_ASSIGN_OR_RETURN(Reader lineage, r.Object("lineage"));
  EL_ASSIGN_OR_RETURN(m.lineage.run_id, lineage.String("run_id"));
  EL_ASSIGN_OR_RETURN(m.lineage.dataset_digest, lineage.String("dataset_digest"));
  EL_ASSIGN_OR_RETURN(m.lineage.model_digest, lineage.String("model_digest"));
  EL_ASSIGN_OR_RETURN(m.lineage.model_version, lineage.Int("model_version"));
  EL_ASSIGN_OR_RETURN(const json* histograms, r.Array("reference_histograms"));
  for (size_t i = 0; i < histograms->size(); ++i) {
    EL_ASSIGN_OR_RETURN(
        ReferenceHistogram h,
        ParseHistogram((*histograms)[i], "reference_histograms[" + std::to_string(i) + "]"));
    m.reference_histograms.push_back(std::move(h));
  }
  EL_ASSIGN_OR_RETURN(m.golden_file, r.String("golden_file"));
  EL_ASSIGN_OR_RETURN(m.created_ms, r.Int("created_ms"));
  EL_RETURN_IF_ERROR(r.Object("files").status());
  for (const auto& [path, entry] : doc.at("files").items()) {
    const std::string field = "files[\"" + path + "\"]";
    if (!entry.is_object()) return FieldError(field, "expected an object");
    Reader fr(entry, field);
    FileDigest d;
    EL_ASSIGN_OR_RETURN(d.sha256, fr.String("sha256"));
    EL_ASSIGN_OR_RETURN(int64_t size, fr.Int("size"));
    if (size < 0) return FieldError(fr.Path("size"), "expected a non-negative integer");
    d.size = static_cast<uint64_t>(size);
    m.files.emplace(path, std::move(d));
  }
  EL_RETURN_IF_ERROR(m.Validate());
  return m;
}

}  // namespace

bool IsSafeBundlePath(std::string_view path) {
  if (path.empty() || path.size() > 255) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    for (char c : segment) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

std::string Manifest::ToJson() const {
  json doc = json::object();
  doc["format_version"] = format_version;
  doc["bundle"] = {{"name", name}, {"version", version}};
  doc["model"] = {{"kind", model_kind}, {"file", model_file}};
  doc["input_schema"] = input_schema;
  doc["feature_spec"] = {
      {"file", feature_spec_file}, {"yaml", feature_spec_yaml}, {"digest", feature_spec_digest}};
  doc["threshold"] = threshold;
  doc["alert_policy"] = {
      {"k", alert_policy.k}, {"n", alert_policy.n}, {"cooldown_ms", alert_policy.cooldown_ms}};
  if (alert_policy.clear_ratio != 1.0) {
    doc["alert_policy"]["clear_ratio"] = alert_policy.clear_ratio;
  }
  doc["lineage"] = {{"run_id", lineage.run_id},
                    {"dataset_digest", lineage.dataset_digest},
                    {"model_digest", lineage.model_digest},
                    {"model_version", lineage.model_version}};
  json histograms = json::array();
  for (const ReferenceHistogram& h : reference_histograms) {
    histograms.push_back({{"feature", h.feature}, {"edges", h.edges}, {"counts", h.counts}});
  }
  doc["reference_histograms"] = std::move(histograms);
  doc["golden_file"] = golden_file;
  doc["created_ms"] = created_ms;
  json files_json = json::object();
  for (const auto& [path, d] : files) files_json[path] = {{"sha256", d.sha256}, {"size", d.size}};
  doc["files"] = std::move(files_json);
  // nlohmann's default object is a std::map, so keys come out sorted; ensure_ascii keeps the
  // bytes independent of how a reader treats UTF-8.
  return doc.dump(-1, ' ', /*ensure_ascii=*/true) + "\n";
}

Result<Manifest> Manifest::Parse(std::string_view text) {
  try {
    json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return InvalidArgument("manifest.json: not valid JSON");
    return ParseDocument(doc);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("manifest.json: ") + e.what());
  }
}

Status Manifest::Validate() const {
  if (format_version != kManifestFormatVersion) {
    return FieldError("format_version", "expected " + std::to_string(kManifestFormatVersion));
  }
  if (name.empty()) return FieldError("bundle.name", "expected a non-empty model name");
  if (version < 1) return FieldError("bundle.version", "expected a version number >= 1");
  if (model_kind.empty()) return FieldError("model.kind", "expected a non-empty model kind");
  if (!IsSafeBundlePath(model_file)) return FieldError("model.file", "expected a safe file name");
  if (input_schema.empty()) return FieldError("input_schema", "expected at least one feature");
  std::set<std::string> seen;
  for (size_t i = 0; i < input_schema.size(); ++i) {
    const std::string field = "input_schema[" + std::to_string(i) + "]";
    if (input_schema[i].empty()) return FieldError(field, "expected a non-empty feature name");
    if (!seen.insert(input_schema[i]).second) {
      return FieldError(field, "duplicate feature '" + input_schema[i] + "'");
    }
  }
  if (!IsSafeBundlePath(feature_spec_file)) {
    return FieldError("feature_spec.file", "expected a safe file name");
  }
  if (!IsHex64(feature_spec_digest)) {
    return FieldError("feature_spec.digest", "expected 64 lowercase hex digits");
  }
  if (!std::isfinite(threshold)) return FieldError("threshold", "expected a finite number");
  if (alert_policy.k < 1 || alert_policy.k > alert_policy.n) {
    return FieldError("alert_policy.k",
                      "expected 1 <= k <= n (k=" + std::to_string(alert_policy.k) +
                          ", n=" + std::to_string(alert_policy.n) + ")");
  }
  if (alert_policy.cooldown_ms < 0) {
    return FieldError("alert_policy.cooldown_ms", "expected a non-negative duration");
  }
  if (!(alert_policy.clear_ratio > 0 && alert_policy.clear_ratio <= 1)) {
    return FieldError("alert_policy.clear_ratio", "expected a number in (0, 1]");
  }
  for (size_t i = 0; i < reference_histograms.size(); ++i) {
    const ReferenceHistogram& h = reference_histograms[i];
    const std::string field = "reference_histograms[" + std::to_string(i) + "]";
    if (!seen.count(h.feature)) {
      return FieldError(field + ".feature", "'" + h.feature + "' is not in input_schema");
    }
    if (!(h.edges.empty() && h.counts.empty()) && h.edges.size() != h.counts.size() + 1) {
      return FieldError(field + ".edges", "expected counts + 1 edges");
    }
    for (size_t j = 0; j < h.edges.size(); ++j) {
      if (!std::isfinite(h.edges[j]) || (j > 0 && !(h.edges[j] > h.edges[j - 1]))) {
        return FieldError(field + ".edges", "expected strictly increasing finite numbers");
      }
    }
    for (int64_t c : h.counts) {
      if (c < 0) return FieldError(field + ".counts", "expected non-negative counts");
    }
  }
  if (!IsSafeBundlePath(golden_file)) return FieldError("golden_file", "expected a safe file name");
  for (const auto& [path, d] : files) {
    const std::string field = "files[\"" + path + "\"]";
    if (!IsSafeBundlePath(path) || path == kManifestFile || path == kSignatureFile) {
      return FieldError(field, "expected a safe path other than manifest.json / manifest.sig");
    }
    if (!IsHex64(d.sha256))
      return FieldError(field + ".sha256", "expected 64 lowercase hex digits");
  }
  return Status::Ok();
}

}  // namespace edgeloop::bundle
