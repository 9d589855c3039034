// LoadScorer: builds the edge scorer of a model kind from the model file a bundle carries.
//
// The one place that maps a manifest's model kind to a Scorer implementation, so the bundle
// verifier, the agent and `edgeloop score` accept every kind the same way. Stateless.
// Errors: InvalidArgument naming the kind when it is unknown, or the model's own parse error.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/scorer.h"

namespace edgeloop::models {

// Kinds LoadScorer accepts, e.g. {"tree_ensemble"}.
std::vector<std::string_view> ScorerKinds();

Result<std::unique_ptr<Scorer>> LoadScorer(std::string_view kind, std::string_view model_bytes);

}  // namespace edgeloop::models
