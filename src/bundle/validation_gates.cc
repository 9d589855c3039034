#include "bundle/validation_gates.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <exception>
#include <string>

#include "base/strings.h"

namespace edgeloop::bundle {
namespace {

constexpr char kKnownKeys[] =
    "max_p50_latency_us, max_p99_latency_us, max_memory_bytes, max_bundle_bytes, "
    "golden_tolerance, min_golden_rows";

Status Error(std::string_view path, const YAML::Mark& mark, const std::string& message) {
  std::string where(path);
  if (mark.line >= 0) where += ":" + std::to_string(mark.line + 1);
  return InvalidArgument(where + ": " + message);
}

// A non-negative integer, with an optional KiB/MiB/GiB suffix when `sizes` is set.
Result<int64_t> ReadInt(std::string_view path, const std::string& key, const YAML::Node& value,
                        bool sizes) {
  if (!value.IsScalar()) return Error(path, value.Mark(), key + ": expected a number");
  std::string_view text = Trim(value.Scalar());
  int64_t scale = 1;
  if (sizes) {
    for (const auto& [suffix, factor] :
         {std::pair<std::string_view, int64_t>{"KiB", int64_t{1} << 10},
          {"MiB", int64_t{1} << 20},
          {"GiB", int64_t{1} << 30}}) {
      if (EndsWith(text, suffix)) {
        text = Trim(text.substr(0, text.size() - suffix.size()));
        scale = factor;
        break;
      }
    }
  }
  Result<int64_t> number = ParseInt(text);
  if (!number.ok() || *number < 0 || *number > (int64_t{1} << 50) / scale) {
    return Error(path, value.Mark(),
                 key + ": '" + value.Scalar() + "' is not a non-negative whole number" +
                     (sizes ? " (optionally with KiB, MiB or GiB)" : ""));
  }
  return *number * scale;
}

Status ReadGates(std::string_view path, const YAML::Node& root, ValidationGates* gates) {
  if (!root.IsMap()) return Error(path, root.Mark(), "expected a mapping of gate names to limits");
  for (auto it = root.begin(); it != root.end(); ++it) {
    const YAML::Node key_node = it->first;  // copies: the iterator's pair is a temporary
    const YAML::Node value = it->second;
    const std::string key = key_node.Scalar();
    if (key == "max_p50_latency_us") {
      EL_ASSIGN_OR_RETURN(gates->max_p50_latency_us, ReadInt(path, key, value, false));
    } else if (key == "max_p99_latency_us") {
      EL_ASSIGN_OR_RETURN(gates->max_p99_latency_us, ReadInt(path, key, value, false));
    } else if (key == "max_memory_bytes") {
      EL_ASSIGN_OR_RETURN(gates->max_memory_bytes, ReadInt(path, key, value, true));
    } else if (key == "max_bundle_bytes") {
      EL_ASSIGN_OR_RETURN(gates->max_bundle_bytes, ReadInt(path, key, value, true));
    } else if (key == "min_golden_rows") {
      EL_ASSIGN_OR_RETURN(gates->min_golden_rows, ReadInt(path, key, value, false));
    } else if (key == "golden_tolerance") {
      Result<double> tolerance =
          value.IsScalar() ? ParseDouble(value.Scalar()) : Result<double>(InvalidArgument(""));
      if (!tolerance.ok() || !std::isfinite(*tolerance) || *tolerance < 0) {
        return Error(path, value.Mark(), "golden_tolerance: expected a non-negative number");
      }
      gates->golden_tolerance = *tolerance;
    } else {
      return Error(path, key_node.Mark(),
                   "unknown gate '" + key + "' (expected one of " + kKnownKeys + ")");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ValidationGates> ParseValidationGates(std::string_view text, std::string_view path) {
  ValidationGates gates;
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull()) return gates;  // an empty file keeps every default
    const bool nested = root.IsMap() && root["gates"];
    if (nested && root.size() != 1) {
      return Error(path, root.Mark(), "expected only the key 'gates' at the top level");
    }
    EL_RETURN_IF_ERROR(ReadGates(path, nested ? root["gates"] : root, &gates));
    if (gates.max_p99_latency_us < gates.max_p50_latency_us) {
      return InvalidArgument(std::string(path) + ": max_p99_latency_us (" +
                             std::to_string(gates.max_p99_latency_us) +
                             ") is below max_p50_latency_us (" +
                             std::to_string(gates.max_p50_latency_us) + ")");
    }
    return gates;
  } catch (const YAML::Exception& e) {
    return Error(path, e.mark, "not valid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string(path) + ": " + e.what());
  }
}

}  // namespace edgeloop::bundle
