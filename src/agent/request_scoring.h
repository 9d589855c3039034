// ScoreRequestWith: answers a scoring request (api/score_api.h) with a model, through the code
// path the device runs — feature rows are mapped by name onto the model's inputs; readings go
// through an AssetPipeline (the same extractor and scorer as the live loop).
//
// Used by the agent's POST /v1/score and by `edgeloop score`. Thread-safe (the model is
// immutable). Errors: InvalidArgument naming the row and the feature the model does not know,
// or the reading the extractor refused.
#pragma once

#include "agent/active_model.h"
#include "api/score_api.h"
#include "base/clock.h"

namespace edgeloop::agent {

Result<api::ScoreResponse> ScoreRequestWith(const std::shared_ptr<const ActiveModel>& model,
                                            const api::ScoreRequest& request, const Clock& clock);

}  // namespace edgeloop::agent
