#include "training/train_config.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "base/strings.h"
#include "base/time_format.h"

namespace edgeloop::training {
namespace {

// Reads typed scalars out of YAML nodes and words errors as "<file>:<line>: ...".
class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  Status Error(const YAML::Node& node, const std::string& message) const {
    const int line = node.Mark().line;
    return InvalidArgument(file_ + (line >= 0 ? ":" + std::to_string(line + 1) : "") + ": " +
                           message);
  }

  Result<std::string> Scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) return Error(node, key + ": expected a single value");
    return node.Scalar();
  }

  Result<double> Double(const YAML::Node& node, const std::string& key) const {
    EL_ASSIGN_OR_RETURN(std::string text, Scalar(node, key));
    Result<double> v = ParseDouble(text);
    if (!v.ok() || !std::isfinite(*v)) {
      return Error(node, key + ": '" + text + "' is not a number");
    }
    return *v;
  }

  Result<int64_t> Int(const YAML::Node& node, const std::string& key, int64_t lo,
                      int64_t hi) const {
    EL_ASSIGN_OR_RETURN(std::string text, Scalar(node, key));
    Result<int64_t> v = ParseInt(text);
    if (!v.ok() || *v < lo || *v > hi) {
      return Error(node, key + ": '" + text + "' is not a whole number from " + std::to_string(lo) +
                             " to " + std::to_string(hi));
    }
    return *v;
  }

  Result<int64_t> Duration(const YAML::Node& node, const std::string& key) const {
    EL_ASSIGN_OR_RETURN(std::string text, Scalar(node, key));
    Result<int64_t> v = ParseDuration(text);
    if (!v.ok()) return Error(node, key + ": " + v.status().message());
    return *v;
  }

  Result<bool> Bool(const YAML::Node& node, const std::string& key) const {
    EL_ASSIGN_OR_RETURN(std::string text, Scalar(node, key));
    const std::string lower = ToLower(text);
    if (lower == "true" || lower == "yes" || lower == "on") return true;
    if (lower == "false" || lower == "no" || lower == "off") return false;
    return Error(node, key + ": '" + text + "' is not true or false");
  }

  using Handler = std::function<Status(const std::string& key, const YAML::Node& value)>;

  // Calls `handle` for each entry of the map `node`; `keys` are the allowed keys.
  Status ForEach(const YAML::Node& node, const std::string& section,
                 const std::vector<std::string>& keys, const Handler& handle) const {
    if (!node.IsMap()) return Error(node, section + ": expected a map of settings");
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key_node = it->first;
      const std::string key = key_node.IsScalar() ? key_node.Scalar() : "";
      bool known = false;
      for (const std::string& k : keys) known = known || k == key;
      if (!known) {
        return Error(key_node, "unknown key '" + key + "' in " + section +
                                   " (expected one of: " + Join(keys, ", ") + ")");
      }
      EL_RETURN_IF_ERROR(handle(key, it->second));
    }
    return Status::Ok();
  }

 private:
  std::string file_;
};

constexpr int64_t kMaxInt = std::numeric_limits<int>::max();

Status ParseSplit(const Reader& r, const YAML::Node& node, SplitConfig* split) {
  return r.ForEach(
      node, "split", {"by", "test_fraction", "seed"},
      [&](const std::string& key, const YAML::Node& v) -> Status {
        if (key == "by") {
          EL_ASSIGN_OR_RETURN(std::string text, r.Scalar(v, "split.by"));
          if (!ParseSplitBy(text, &split->by)) {
            return r.Error(v, "split.by: '" + text + "' is not time, asset or time_and_asset");
          }
        } else if (key == "test_fraction") {
          EL_ASSIGN_OR_RETURN(split->test_fraction, r.Double(v, "split.test_fraction"));
          if (!(split->test_fraction > 0 && split->test_fraction < 1)) {
            return r.Error(v, "split.test_fraction: expected a number between 0 and 1 (exclusive)");
          }
        } else {
          EL_ASSIGN_OR_RETURN(int64_t seed, r.Int(v, "split.seed", 0, INT64_MAX));
          split->seed = static_cast<uint64_t>(seed);
        }
        return Status::Ok();
      });
}

Status ParseThreshold(const Reader& r, const YAML::Node& node, ThresholdConfig* t) {
  return r.ForEach(
      node, "threshold",
      {"policy", "missed_failure_cost", "false_alarm_cost", "per_1000_asset_days", "value"},
      [&](const std::string& key, const YAML::Node& v) -> Status {
        if (key == "policy") {
          EL_ASSIGN_OR_RETURN(std::string text, r.Scalar(v, "threshold.policy"));
          if (!ParseThresholdPolicy(text, &t->policy)) {
            return r.Error(
                v, "threshold.policy: '" + text + "' is not cost, false_alarm_rate or fixed");
          }
          return Status::Ok();
        }
        double* target = key == "missed_failure_cost"   ? &t->missed_failure_cost
                         : key == "false_alarm_cost"    ? &t->false_alarm_cost
                         : key == "per_1000_asset_days" ? &t->max_false_alarms_per_1000_asset_days
                                                        : &t->fixed_threshold;
        EL_ASSIGN_OR_RETURN(*target, r.Double(v, "threshold." + key));
        if (key != "value" && *target < 0) {
          return r.Error(v, "threshold." + key + ": expected 0 or more");
        }
        return Status::Ok();
      });
}

Status ParseAlert(const Reader& r, const YAML::Node& node, AlertPolicy* a) {
  return r.ForEach(node, "alert", {"k", "n", "cooldown"},
                   [&](const std::string& key, const YAML::Node& v) -> Status {
                     if (key == "cooldown") {
                       EL_ASSIGN_OR_RETURN(a->cooldown_ms, r.Duration(v, "alert.cooldown"));
                     } else {
                       EL_ASSIGN_OR_RETURN(int64_t n, r.Int(v, "alert." + key, 1, 1000));
                       (key == "k" ? a->k : a->n) = static_cast<int>(n);
                     }
                     return Status::Ok();
                   });
}

Status ParseXgboost(const Reader& r, const YAML::Node& node, XgbParams* x, bool* objective_set) {
  return r.ForEach(
      node, "xgboost",
      {"objective", "num_rounds", "max_depth", "eta", "subsample", "colsample_bytree",
       "min_child_weight", "scale_pos_weight", "seed", "nthread", "tree_method"},
      [&](const std::string& key, const YAML::Node& v) -> Status {
        const std::string name = "xgboost." + key;
        if (key == "objective" || key == "tree_method") {
          EL_ASSIGN_OR_RETURN((key == "objective" ? x->objective : x->tree_method),
                              r.Scalar(v, name));
          if (key == "objective") *objective_set = true;
        } else if (key == "num_rounds" || key == "max_depth" || key == "nthread") {
          EL_ASSIGN_OR_RETURN(int64_t n, r.Int(v, name, 1, key == "nthread" ? 1024 : kMaxInt));
          (key == "num_rounds"  ? x->num_rounds
           : key == "max_depth" ? x->max_depth
                                : x->nthread) = static_cast<int>(n);
        } else if (key == "seed") {
          EL_ASSIGN_OR_RETURN(int64_t seed, r.Int(v, name, 0, INT64_MAX));
          x->seed = static_cast<uint64_t>(seed);
        } else if (key == "scale_pos_weight" && v.IsScalar() && ToLower(v.Scalar()) == "auto") {
          x->auto_scale_pos_weight = true;
        } else {
          double* target = key == "eta"                ? &x->eta
                           : key == "subsample"        ? &x->subsample
                           : key == "colsample_bytree" ? &x->colsample_bytree
                           : key == "min_child_weight" ? &x->min_child_weight
                                                       : &x->scale_pos_weight;
          EL_ASSIGN_OR_RETURN(*target, r.Double(v, name));
        }
        return Status::Ok();
      });
}

Status ParseSection(const Reader& r, const YAML::Node& node, TrainConfig* c) {
  bool objective_set = false;
  EL_RETURN_IF_ERROR(r.ForEach(
      node, "training",
      {"task", "horizon", "window_length", "rul_cap", "exclude_unknown_future", "split",
       "validation_fraction", "threshold", "alert", "xgboost"},
      [&](const std::string& key, const YAML::Node& v) -> Status {
        if (key == "task") {
          EL_ASSIGN_OR_RETURN(std::string text, r.Scalar(v, "task"));
          if (!ParseTask(text, &c->task)) {
            return r.Error(v, "task: '" + text + "' is not classification or rul_regression");
          }
        } else if (key == "horizon" || key == "window_length") {
          EL_ASSIGN_OR_RETURN(int64_t ms, r.Duration(v, key));
          if (key == "horizon" && ms <= 0) return r.Error(v, "horizon: expected more than 0");
          (key == "horizon" ? c->labels.horizon_ms : c->labels.window_length_ms) = ms;
        } else if (key == "rul_cap") {
          EL_ASSIGN_OR_RETURN(int64_t ms, r.Duration(v, key));
          if (ms <= 0) return r.Error(v, "rul_cap: expected more than 0");
          c->labels.rul_cap_hours = static_cast<double>(ms) / static_cast<double>(kMillisPerHour);
        } else if (key == "exclude_unknown_future") {
          EL_ASSIGN_OR_RETURN(c->labels.exclude_unknown_future, r.Bool(v, key));
        } else if (key == "validation_fraction") {
          EL_ASSIGN_OR_RETURN(c->validation_fraction, r.Double(v, key));
          if (!(c->validation_fraction >= 0 && c->validation_fraction < 1)) {
            return r.Error(v, "validation_fraction: expected 0 or more and less than 1");
          }
        } else if (key == "split") {
          return ParseSplit(r, v, &c->split);
        } else if (key == "threshold") {
          return ParseThreshold(r, v, &c->threshold);
        } else if (key == "alert") {
          return ParseAlert(r, v, &c->alert);
        } else {
          return ParseXgboost(r, v, &c->xgboost, &objective_set);
        }
        return Status::Ok();
      }));
  if (c->task == Task::kRulRegression && !objective_set) c->xgboost.objective = "reg:squarederror";
  if (Status s = ValidateTrainConfig(*c); !s.ok()) return r.Error(node, s.message());
  return Status::Ok();
}

}  // namespace

std::string_view TaskName(Task task) {
  return task == Task::kRulRegression ? "rul_regression" : "classification";
}

bool ParseTask(std::string_view text, Task* task) {
  for (Task t : {Task::kClassification, Task::kRulRegression}) {
    if (text == TaskName(t)) {
      *task = t;
      return true;
    }
  }
  return false;
}

Status ValidateTrainConfig(const TrainConfig& c) {
  EL_RETURN_IF_ERROR(ValidateLabelConfig(c.labels));
  if (!(c.split.test_fraction > 0 && c.split.test_fraction < 1)) {
    return InvalidArgument("split test fraction " + FormatDouble(c.split.test_fraction) +
                           ": expected a number between 0 and 1 (exclusive)");
  }
  if (!(c.validation_fraction >= 0 && c.validation_fraction < 1)) {
    return InvalidArgument("validation fraction " + FormatDouble(c.validation_fraction) +
                           ": expected 0 or more and less than 1");
  }
  EL_RETURN_IF_ERROR(ValidateThresholdConfig(c.threshold));
  EL_RETURN_IF_ERROR(ValidateAlertPolicy(c.alert));
  EL_RETURN_IF_ERROR(ValidateXgbParams(c.xgboost));
  if (c.task == Task::kClassification && c.threshold.policy != ThresholdPolicy::kFixed &&
      c.validation_fraction == 0) {
    return InvalidArgument("threshold policy " +
                           std::string(ThresholdPolicyName(c.threshold.policy)) +
                           " needs validation rows: set validation_fraction above 0");
  }
  return Status::Ok();
}

Result<TrainConfig> ParseTrainConfig(const YAML::Node& node, std::string_view file) {
  Reader reader(file);
  TrainConfig config;
  try {
    if (!node.IsDefined() || node.IsNull()) {
      return InvalidArgument(std::string(file) + ": no training section");
    }
    YAML::Node section = node;
    if (node.IsMap() && node["training"].IsDefined()) section = node["training"];
    if (section.IsNull()) return config;  // "training:" with nothing under it: all defaults
    EL_RETURN_IF_ERROR(ParseSection(reader, section, &config));
  } catch (const std::exception& e) {
    return InvalidArgument(std::string(file) + ": training section does not read: " + e.what());
  }
  return config;
}

}  // namespace edgeloop::training
