#include "edgeloop/cmd_train.h"

#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "edgeloop/exit_code.h"
#include "edgeloop/progress_line.h"
#include "pipeline/train_job.h"

namespace edgeloop::app {
namespace {

using nlohmann::json;

int Fail(const AppContext& context, const Status& status) {
  return ReportFailure(status, context.err);
}

std::string Aliases(const registry::ModelVersion& version) {
  std::string out;
  for (const std::string& a : version.aliases) out += (out.empty() ? "" : ", ") + a;
  return out;
}

}  // namespace

int RunTrain(const AppContext& context, const TrainFlags& flags) {
  if (flags.config.empty()) return Fail(context, InvalidArgument("--config FILE is required"));
  Result<std::string> text = context.fs->ReadFile(flags.config);
  if (!text.ok()) return Fail(context, text.status());
  Result<pipeline::TrainJobConfig> config =
      pipeline::ParseTrainJobConfig(*text, flags.config, flags.data_dir, *context.fs);
  if (!config.ok()) return Fail(context, config.status());

  // An existing workspace is opened for dataset lookups; a new one is made only after the
  // input has passed every check, so bad input never leaves an empty workspace behind.
  Result<OpenedWorkspace> opened = OpenWorkspace(context, /*create=*/false);
  const bool have_workspace = opened.ok();
  if (!have_workspace && opened.status().code() != StatusCode::kNotFound) {
    return Fail(context, opened.status());
  }

  ProgressLine line(context.err, *context.clock, context.progress);
  pipeline::TrainJobContext job;
  if (have_workspace) {
    job.workspace = opened->workspace.get();
    job.registry = opened->registry.get();
  }
  job.clock = context.clock;
  job.log = context.log;
  job.progress = [&line](const std::string& step, size_t done, size_t total) {
    line.Update("train: " + step, done, total);
  };
  Result<pipeline::PreparedTrainJobPtr> prepared =
      pipeline::PrepareTrainJob(*config, *context.fs, job);
  line.Finish();
  if (!prepared.ok()) return Fail(context, prepared.status());
  if (!have_workspace) {
    opened = OpenWorkspace(context, /*create=*/true);
    if (!opened.ok()) return Fail(context, opened.status());
    job.workspace = opened->workspace.get();
    job.registry = opened->registry.get();
  }
  Result<pipeline::TrainJobResult> result =
      pipeline::RecordTrainJob(*config, std::move(prepared).value(), job);
  if (!result.ok()) return Fail(context, result.status());

  const registry::ModelVersion& v = result->version;
  if (flags.json) {
    json doc = {{"run_id", result->run.id},
                {"model", v.model},
                {"version", v.version},
                {"kind", v.kind},
                {"aliases", v.aliases},
                {"model_digest", v.model_digest},
                {"feature_rows", result->feature_rows},
                {"assets", result->assets},
                {"seconds", {{"features", result->seconds_features},
                             {"training", result->seconds_training}}},
                {"metrics", json::parse(result->summary_json, nullptr, false)}};
    std::fprintf(context.out, "%s\n", doc.dump(2).c_str());
    return kExitOk;
  }
  std::fprintf(context.out, "run           %s\n", result->run.id.c_str());
  std::fprintf(context.out, "model         %s version %d%s\n", v.model.c_str(), v.version,
               v.aliases.empty() ? "" : (" (" + Aliases(v) + ")").c_str());
  std::fprintf(context.out, "model kind    %s\n", v.kind.c_str());
  std::fprintf(context.out, "model digest  %s\n", v.model_digest.c_str());
  std::fprintf(context.out, "data          %zu assets, %zu feature rows (features %.1f s, training %.1f s)\n\n",
               result->assets, result->feature_rows, result->seconds_features,
               result->seconds_training);
  std::fprintf(context.out, "%s", result->report_text.c_str());
  std::fprintf(context.out, "\nRebuild this model from its record: edgeloop runs reproduce %s\n",
               result->run.id.c_str());
  return kExitOk;
}

int RunReproduce(const AppContext& context, const ReproduceFlags& flags) {
  if (flags.run_id.empty()) return Fail(context, InvalidArgument("a run id is required"));
  Result<OpenedWorkspace> opened = OpenWorkspace(context, /*create=*/false);
  if (!opened.ok()) return Fail(context, opened.status());

  ProgressLine line(context.err, *context.clock, context.progress);
  pipeline::TrainJobContext job;
  job.workspace = opened->workspace.get();
  job.registry = opened->registry.get();
  job.clock = context.clock;
  job.log = context.log;
  job.progress = [&line](const std::string& step, size_t done, size_t total) {
    line.Update("reproduce: " + step, done, total);
  };
  Result<pipeline::ReproduceResult> result = pipeline::ReproduceRun(flags.run_id, job);
  line.Finish();
  if (!result.ok()) return Fail(context, result.status());
  const bool same_model = result->recorded_model_digest == result->reproduced_model_digest;

  if (flags.json) {
    json inputs = json::array();
    for (const pipeline::InputComparison& in : result->inputs) {
      inputs.push_back({{"name", in.name}, {"recorded", in.recorded},
                        {"reproduced", in.reproduced}, {"same", in.same()}});
    }
    json doc = {{"run_id", result->run_id},
                {"identical", result->identical()},
                {"model_digest", {{"recorded", result->recorded_model_digest},
                                  {"reproduced", result->reproduced_model_digest},
                                  {"same", same_model}}},
                {"code_version", {{"recorded", result->recorded_code_version},
                                  {"now", result->code_version}}},
                {"inputs", inputs}};
    std::fprintf(context.out, "%s\n", doc.dump(2).c_str());
    return result->identical() ? kExitOk : kExitCheckFailed;
  }

  size_t differing = 0;
  for (const pipeline::InputComparison& in : result->inputs) {
    if (in.same()) continue;
    ++differing;
    std::fprintf(context.out, "input differs: %s (recorded %s, now %s)\n", in.name.c_str(),
                 ShortDigest(in.recorded).c_str(), ShortDigest(in.reproduced).c_str());
  }
  if (differing == 0) {
    std::fprintf(context.out, "inputs        all %zu input digests match the record\n",
                 result->inputs.size());
  }
  if (result->recorded_code_version != result->code_version) {
    std::fprintf(context.out, "note          recorded with edgeloop %s, reproduced with %s\n",
                 result->recorded_code_version.c_str(), result->code_version.c_str());
  }
  std::fprintf(context.out, "model digest  recorded   %s\n", result->recorded_model_digest.c_str());
  std::fprintf(context.out, "              reproduced %s\n",
               result->reproduced_model_digest.c_str());
  std::fprintf(context.out, "%s\n", result->identical()
                                        ? "reproduced: identical model"
                                        : (same_model ? "NOT reproduced: inputs differ"
                                                      : "NOT reproduced: the model differs"));
  return result->identical() ? kExitOk : kExitCheckFailed;
}

}  // namespace edgeloop::app
