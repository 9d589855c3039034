#include "models/scorer_loader.h"

#include <string>
#include <utility>

#include "models/isolation_forest_scorer.h"
#include "models/pca_scorer.h"
#include "models/tree_ensemble.h"

namespace edgeloop::models {

std::vector<std::string_view> ScorerKinds() {
  return {TreeEnsembleScorer::kKind, PcaScorer::kKind, IsolationForestScorer::kKind};
}

Result<std::unique_ptr<Scorer>> LoadScorer(std::string_view kind, std::string_view model_bytes) {
  if (kind == TreeEnsembleScorer::kKind) {
    EL_ASSIGN_OR_RETURN(std::unique_ptr<TreeEnsembleScorer> scorer,
                        TreeEnsembleScorer::FromXgboostJson(model_bytes));
    return std::unique_ptr<Scorer>(std::move(scorer));
  }
  if (kind == PcaScorer::kKind) {
    EL_ASSIGN_OR_RETURN(std::unique_ptr<PcaScorer> scorer, PcaScorer::FromJson(model_bytes));
    return std::unique_ptr<Scorer>(std::move(scorer));
  }
  if (kind == IsolationForestScorer::kKind) {
    EL_ASSIGN_OR_RETURN(std::unique_ptr<IsolationForestScorer> scorer,
                        IsolationForestScorer::FromJson(model_bytes));
    return std::unique_ptr<Scorer>(std::move(scorer));
  }
  std::string known;
  for (std::string_view k : ScorerKinds()) known += (known.empty() ? "" : ", ") + std::string(k);
  return InvalidArgument("model kind '" + std::string(kind) + "' is not supported (expected one of " +
                         known + ")");
}

}  // namespace edgeloop::models
