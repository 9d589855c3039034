// The YAML front end of FeatureSpec::Parse: turns a YAML document into a FeatureSpec, checking its
// shape (known keys, types, function names), and remembers each signal's line. yaml-cpp's
// exceptions stop here and become InvalidArgument "<source>:<line>: <key>: <what was expected>".
// Semantic checks live in FeatureSpec::Validate. Stateless; thread-safe.
#pragma once

#include <string_view>

#include "base/status.h"
#include "features/feature_spec.h"

namespace edgeloop::features::internal {

Result<FeatureSpec> ParseFeatureSpecYaml(std::string_view yaml_text, std::string_view source);

}  // namespace edgeloop::features::internal
