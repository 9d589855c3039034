#include "registry/registry.h"

namespace edgeloop::registry {

Result<ModelVersion> Registry::ResolveModelRef(std::string_view ref) {
  EL_ASSIGN_OR_RETURN(ModelRef parsed, ParseModelRef(ref));
  return Resolve(parsed);
}

Result<ModelVersion> Registry::Resolve(const ModelRef& ref) {
  switch (ref.selector) {
    case ModelRef::Selector::kVersion:
      return GetModelVersion(ref.model, ref.version);
    case ModelRef::Selector::kAlias: {
      EL_ASSIGN_OR_RETURN(int version, GetAliasVersion(ref.model, ref.alias));
      return GetModelVersion(ref.model, version);
    }
    case ModelRef::Selector::kLatest:
      break;
  }
  EL_ASSIGN_OR_RETURN(Model model, GetModel(ref.model));
  if (model.latest_version == 0) {
    return NotFound("model '" + model.name + "' has no versions yet");
  }
  return GetModelVersion(model.name, model.latest_version);
}

Result<Lineage> Registry::GetLineage(std::string_view ref) {
  Lineage lineage;
  EL_ASSIGN_OR_RETURN(lineage.version, ResolveModelRef(ref));
  if (!lineage.version.source_run_id.empty()) {
    EL_ASSIGN_OR_RETURN(lineage.run, GetRun(lineage.version.source_run_id));
  }
  return lineage;
}

}  // namespace edgeloop::registry
