#include "pipeline/skab_export.h"

#include <utility>

#include "base/sha256.h"
#include "bundle/bundle_builder.h"
#include "io/skab_reader.h"
#include "pipeline/skab_eval.h"

namespace edgeloop::pipeline {

Result<SkabExport> ExportSkabBundle(const std::string& path, const SkabEvalConfig& config,
                                    const bundle::SigningKey& key, int64_t created_ms,
                                    FileSystem& fs) {
  EL_ASSIGN_OR_RETURN(std::string bytes, fs.ReadFile(path));
  EL_ASSIGN_OR_RETURN(io::SkabFile file,
                      io::ParseSkabCsv(path, bytes, io::SkabAssetName(path)));
  EL_ASSIGN_OR_RETURN(SkabFittedFile fitted, FitSkabFile(file, config));
  EL_ASSIGN_OR_RETURN(features::FeatureSpec spec, SkabFeatureSpec(config.features));

  SkabExport out;
  out.file = file.readings.asset;
  out.run_id = "skab-eval:" + out.file;
  out.threshold = fitted.threshold;

  bundle::BundleInputs in;
  in.model_name = "skab-" + out.file;
  for (char& c : in.model_name) {
    if (c == '/') c = '-';
  }
  in.model_version = 1;
  in.model_kind = std::string(fitted.scorer->kind());
  in.model_json = fitted.model_json;
  in.feature_names = fitted.features.names;
  in.feature_spec = std::move(spec);
  in.threshold = fitted.threshold;
  in.alert_policy.k = config.alert.k;
  in.alert_policy.n = config.alert.n;
  in.alert_policy.cooldown_ms = 0;
  in.alert_policy.clear_ratio = config.alert.release_ratio;
  in.run_id = out.run_id;
  in.dataset_digest = Sha256Hex(bytes);
  const size_t d = fitted.features.names.size();
  for (size_t w : fitted.training_windows) {
    const double* row = fitted.features.Row(w);
    in.golden_rows.emplace_back(row, row + d);
  }
  in.created_ms = created_ms != 0 ? created_ms : file.readings.time_ms.back();
  out.golden_rows = in.golden_rows.size();
  Result<std::string> built = bundle::BuildBundle(in, key);
  if (!built.ok()) return built.status().WithContext("SKAB bundle of " + out.file);
  out.bundle = std::move(built).value();
  return out;
}

}  // namespace edgeloop::pipeline
