// Manifest: what a bundle says about itself (manifest.json), the document its signature covers.
//
// It records the bundle's name and version (model name + registry version), the model kind and
// file, the input schema (feature names in row order), the feature spec (canonical YAML text and
// its digest), the threshold and alert policy, lineage, the training reference histograms for
// drift, the golden file, the creation time, and `files`: sha256 and size of every other file
// in the bundle. ToJson is canonical (sorted keys, no whitespace, shortest round-trip numbers),
// so the same manifest always gives the same bytes to sign.
//
// A plain value: copyable, not synchronised. Parse and Validate return InvalidArgument
// "manifest.json: <field>: <what was expected>".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace edgeloop::bundle {

inline constexpr int kManifestFormatVersion = 1;
inline constexpr std::string_view kManifestFile = "manifest.json";
inline constexpr std::string_view kSignatureFile = "manifest.sig";
inline constexpr std::string_view kModelFile = "model.json";
inline constexpr std::string_view kFeatureSpecFile = "feature_spec.yaml";
inline constexpr std::string_view kGoldenFile = "golden.csv";

// Debounce of alerts: raise when k of the last n windows are over the threshold; an alert that
// comes back within cooldown_ms after clearing is the same alert. Hysteresis: an open alert stays
// open while its score is at or above threshold x clear_ratio (0 < clear_ratio <= 1; 1 = none;
// the manifest omits the field when it is 1).
struct AlertPolicy {
  int k = 1;
  int n = 1;
  int64_t cooldown_ms = 0;
  double clear_ratio = 1.0;
  bool operator==(const AlertPolicy&) const = default;
};

// Where the model came from.
struct Lineage {
  std::string run_id;
  std::string dataset_digest;
  std::string model_digest;  // sha256 of the model file
  int64_t model_version = 0;
  bool operator==(const Lineage&) const = default;
};

// A feature's training distribution: edges.size() == counts.size() + 1 (both may be empty).
struct ReferenceHistogram {
  std::string feature;
  std::vector<double> edges;
  std::vector<int64_t> counts;
  bool operator==(const ReferenceHistogram&) const = default;
};

struct FileDigest {
  std::string sha256;
  uint64_t size = 0;
  bool operator==(const FileDigest&) const = default;
};

struct Manifest {
  int format_version = kManifestFormatVersion;
  std::string name;     // model name in the registry
  int64_t version = 0;  // registry version number
  std::string model_kind;
  std::string model_file = std::string(kModelFile);
  std::vector<std::string> input_schema;
  std::string feature_spec_file = std::string(kFeatureSpecFile);
  std::string feature_spec_yaml;    // canonical text (FeatureSpec::ToYaml)
  std::string feature_spec_digest;  // sha256 of feature_spec_yaml
  double threshold = 0.5;
  AlertPolicy alert_policy;
  Lineage lineage;
  std::vector<ReferenceHistogram> reference_histograms;  // may be empty
  std::string golden_file = std::string(kGoldenFile);
  int64_t created_ms = 0;
  std::map<std::string, FileDigest> files;  // every file but manifest.json and manifest.sig

  bool operator==(const Manifest&) const = default;

  // Canonical JSON text (ends with a newline); the bytes manifest.sig signs.
  std::string ToJson() const;
  // Parses and validates; every error names the field.
  static Result<Manifest> Parse(std::string_view json);
  // The semantic checks Parse applies: known format version, non-empty names, a unique input
  // schema, a 64-hex spec digest, a finite threshold, 1 <= k <= n, histograms of known features
  // with increasing finite edges and non-negative counts, safe file names.
  Status Validate() const;
};

// True for a relative path of [A-Za-z0-9._-] segments separated by '/', none of them "." or "..".
bool IsSafeBundlePath(std::string_view path);

}  // namespace edgeloop::bundle
