// ExportSkabBundle: the model `edgeloop eval skab` fits for one SKAB file, as a signed bundle the
// edge agent runs.
//
// The file is fitted exactly as EvaluateSkab fits it (FitSkabFile: the same feature spec, the
// first train_rows rows, the same threshold). The bundle holds: the model (kind of the config's
// model), the feature spec of SkabFeatureSpec with the model inputs of SkabModelInputs, the
// threshold, the alert policy {k, n, cooldown 0, clear_ratio = the config's release_ratio}, golden
// rows from the training windows, and lineage run id "skab-eval:<folder>/<stem>" with the sha256
// of the file's bytes as dataset digest; created_ms 0 stands for the file's last timestamp. The
// same file, config, key and created_ms give the same bytes.
//
// Stateless. Errors: the FileSystem's and the SKAB reader's; InvalidArgument for an unlabelled
// or too short file and from FitSkabFile / BuildBundle.
#pragma once

#include <cstdint>
#include <string>

#include "base/file_system.h"
#include "base/status.h"
#include "bundle/signing_key.h"
#include "pipeline/skab_eval_config.h"

namespace edgeloop::pipeline {

struct SkabExport {
  std::string bundle;     // the signed bundle's bytes
  std::string file;       // "<folder>/<stem>"
  std::string run_id;     // "skab-eval:<folder>/<stem>"
  double threshold = 0;
  size_t golden_rows = 0;
};

Result<SkabExport> ExportSkabBundle(const std::string& path, const SkabEvalConfig& config,
                                    const bundle::SigningKey& key, int64_t created_ms,
                                    FileSystem& fs);

}  // namespace edgeloop::pipeline
