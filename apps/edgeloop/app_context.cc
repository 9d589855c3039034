#include "edgeloop/app_context.h"

#include "registry/registry_schema.h"

namespace edgeloop::app {

Result<OpenedWorkspace> OpenWorkspace(const AppContext& context, bool create) {
  OpenedWorkspace opened;
  store::Workspace::Options options;
  options.create = create;
  options.schemas.push_back(registry::RegistrySchema());
  EL_ASSIGN_OR_RETURN(opened.workspace, store::Workspace::Open(context.home, *context.fs, options));
  EL_ASSIGN_OR_RETURN(opened.registry, registry::SqliteRegistry::Open(opened.workspace->db(),
                                                                      *context.clock,
                                                                      *context.random));
  return opened;
}

}  // namespace edgeloop::app
