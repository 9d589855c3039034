// The fleet's tables in an edgeloop database, as migrations of module "fleet": devices with their
// twins, their tags and assets, and the records devices sync. FleetStore::Open applies them; a
// composition root may also pass FleetSchema() to store::Workspace::Open so that a new home
// starts complete.
#pragma once

#include "store/migrations.h"

namespace edgeloop::rollout {

store::MigrationSet FleetSchema();

}  // namespace edgeloop::rollout
