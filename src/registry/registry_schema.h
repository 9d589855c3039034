// The registry's tables in an edgeloop database, as migrations of module "registry".
// SqliteRegistry::Open applies them; a composition root may also pass RegistrySchema() to
// store::Workspace::Open so that a new home starts complete.
#pragma once

#include "store/migrations.h"

namespace edgeloop::registry {

store::MigrationSet RegistrySchema();

}  // namespace edgeloop::registry
