#include "pipeline/skab_eval_config.h"

#include <cmath>
#include <set>

#include <yaml-cpp/yaml.h>

namespace edgeloop::pipeline {
namespace {

struct Ctx {
  std::string source;
  Status At(const YAML::Node& node, const std::string& message) const {
    return InvalidArgument(source + ":" + std::to_string(node.Mark().line + 1) + ": " + message);
  }
};

Status CheckKeys(const Ctx& ctx, const YAML::Node& node, const std::string& section,
                 const std::set<std::string>& allowed) {
  if (!node.IsMap()) return ctx.At(node, section + ": expected a mapping");
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (!allowed.count(key)) return ctx.At(kv.first, section + ": unknown key '" + key + "'");
  }
  return Status::Ok();
}

template <typename T>
Status Read(const Ctx& ctx, const YAML::Node& parent, const char* key, const std::string& section,
            T* out) {
  const YAML::Node node = parent[key];
  if (!node) return Status::Ok();
  try {
    *out = node.as<T>();
  } catch (const YAML::Exception&) {
    return ctx.At(node, section + "." + key + ": expected a " +
                            (std::is_same_v<T, std::string> ? "string" : "number"));
  }
  return Status::Ok();
}

Status ReadThreshold(const Ctx& ctx, const YAML::Node& node, const std::string& section,
                     training::AnomalyThresholdConfig* t) {
  if (!node) return Status::Ok();
  EL_RETURN_IF_ERROR(CheckKeys(ctx, node, section, {"rule", "quantile", "false_alarm_rate", "factor"}));
  std::string rule(training::AnomalyThresholdRuleName(t->rule));
  EL_RETURN_IF_ERROR(Read(ctx, node, "rule", section, &rule));
  if (!training::ParseAnomalyThresholdRule(rule, &t->rule)) {
    return ctx.At(node["rule"], section + ".rule: expected quantile or false_alarm_rate");
  }
  EL_RETURN_IF_ERROR(Read(ctx, node, "quantile", section, &t->quantile));
  EL_RETURN_IF_ERROR(Read(ctx, node, "false_alarm_rate", section, &t->false_alarm_rate));
  EL_RETURN_IF_ERROR(Read(ctx, node, "factor", section, &t->factor));
  return Status::Ok();
}

Status ReadModel(const Ctx& ctx, const YAML::Node& node, SkabEvalConfig* c) {
  EL_RETURN_IF_ERROR(CheckKeys(ctx, node, "model", {"kind", "pca", "isolation_forest"}));
  EL_RETURN_IF_ERROR(Read(ctx, node, "kind", "model", &c->model_kind));
  if (const YAML::Node p = node["pca"]) {
    EL_RETURN_IF_ERROR(CheckKeys(ctx, p, "model.pca",
                                 {"components", "explained_variance", "limit_quantile", "threshold"}));
    EL_RETURN_IF_ERROR(Read(ctx, p, "components", "model.pca", &c->pca.components));
    EL_RETURN_IF_ERROR(Read(ctx, p, "explained_variance", "model.pca", &c->pca.explained_variance));
    EL_RETURN_IF_ERROR(Read(ctx, p, "limit_quantile", "model.pca", &c->pca.limit_quantile));
    EL_RETURN_IF_ERROR(ReadThreshold(ctx, p["threshold"], "model.pca.threshold", &c->pca_threshold));
  }
  if (const YAML::Node f = node["isolation_forest"]) {
    const std::string s = "model.isolation_forest";
    EL_RETURN_IF_ERROR(CheckKeys(ctx, f, s, {"trees", "sample_size", "seed", "threshold"}));
    EL_RETURN_IF_ERROR(Read(ctx, f, "trees", s, &c->isolation_forest.trees));
    EL_RETURN_IF_ERROR(Read(ctx, f, "sample_size", s, &c->isolation_forest.sample_size));
    EL_RETURN_IF_ERROR(Read(ctx, f, "seed", s, &c->isolation_forest.seed));
    EL_RETURN_IF_ERROR(ReadThreshold(ctx, f["threshold"], s + ".threshold",
                                     &c->isolation_forest_threshold));
  }
  return Status::Ok();
}

Status ReadFeatures(const Ctx& ctx, const YAML::Node& node, SkabFeatureConfig* f) {
  EL_RETURN_IF_ERROR(CheckKeys(ctx, node, "features",
                               {"window_rows", "level_signals", "rate_signals", "rate_lag_rows"}));
  EL_RETURN_IF_ERROR(Read(ctx, node, "window_rows", "features", &f->window_rows));
  EL_RETURN_IF_ERROR(Read(ctx, node, "rate_lag_rows", "features", &f->rate_lag_rows));
  for (const char* key : {"level_signals", "rate_signals"}) {
    const YAML::Node list = node[key];
    if (!list) continue;
    if (!list.IsSequence()) return ctx.At(list, std::string("features.") + key + ": expected a list");
    std::vector<std::string>* out =
        std::string(key) == "level_signals" ? &f->level_signals : &f->rate_signals;
    out->clear();
    for (const YAML::Node& item : list) out->push_back(item.as<std::string>());
  }
  return Status::Ok();
}

Result<SkabEvalConfig> ParseUnchecked(std::string_view text, const Ctx& ctx) {
  SkabEvalConfig c;
  const YAML::Node root = YAML::Load(std::string(text));
  if (root.IsNull()) return c;
  EL_RETURN_IF_ERROR(CheckKeys(ctx, root, "skab config", {"model", "features", "alert", "train_rows"}));
  if (root["model"]) EL_RETURN_IF_ERROR(ReadModel(ctx, root["model"], &c));
  if (root["features"]) EL_RETURN_IF_ERROR(ReadFeatures(ctx, root["features"], &c.features));
  if (const YAML::Node a = root["alert"]) {
    EL_RETURN_IF_ERROR(CheckKeys(ctx, a, "alert", {"k", "n", "release_ratio"}));
    EL_RETURN_IF_ERROR(Read(ctx, a, "k", "alert", &c.alert.k));
    EL_RETURN_IF_ERROR(Read(ctx, a, "n", "alert", &c.alert.n));
    EL_RETURN_IF_ERROR(Read(ctx, a, "release_ratio", "alert", &c.alert.release_ratio));
  }
  EL_RETURN_IF_ERROR(Read(ctx, root, "train_rows", "skab config", &c.train_rows));
  Status valid = ValidateSkabEvalConfig(c);
  if (!valid.ok()) return valid.WithContext(ctx.source);
  return c;
}

}  // namespace

Status ValidateSkabEvalConfig(const SkabEvalConfig& c) {
  if (c.model_kind != "pca" && c.model_kind != "isolation_forest") {
    return InvalidArgument("model.kind: expected pca or isolation_forest, got '" + c.model_kind + "'");
  }
  EL_RETURN_IF_ERROR(training::ValidateAnomalyThresholdConfig(c.pca_threshold));
  EL_RETURN_IF_ERROR(training::ValidateAnomalyThresholdConfig(c.isolation_forest_threshold));
  if (c.features.window_rows < 1) return InvalidArgument("features.window_rows must be >= 1");
  if (c.features.rate_lag_rows < 1) return InvalidArgument("features.rate_lag_rows must be >= 1");
  if (c.features.level_signals.empty() && c.features.rate_signals.empty()) {
    return InvalidArgument("features: no level_signals and no rate_signals");
  }
  if (c.alert.n < 1 || c.alert.k < 1 || c.alert.k > c.alert.n) {
    return InvalidArgument("alert: need 1 <= k <= n");
  }
  if (!(c.alert.release_ratio > 0 && c.alert.release_ratio <= 1)) {
    return InvalidArgument("alert.release_ratio must be in (0, 1]");
  }
  if (c.train_rows < 10) return InvalidArgument("train_rows must be >= 10");
  return Status::Ok();
}

Result<SkabEvalConfig> ParseSkabEvalConfig(std::string_view text, std::string_view source) {
  const Ctx ctx{std::string(source)};
  try {
    return ParseUnchecked(text, ctx);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(ctx.source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace edgeloop::pipeline
