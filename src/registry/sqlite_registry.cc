#include "registry/sqlite_registry.h"

#include "registry/registry_schema.h"
#include "store/migrations.h"

namespace edgeloop::registry {

Result<std::unique_ptr<SqliteRegistry>> SqliteRegistry::Open(store::Database& db, Clock& clock,
                                                             Random& random) {
  EL_RETURN_IF_ERROR(store::ApplyMigrations(db, RegistrySchema()));
  return std::unique_ptr<SqliteRegistry>(new SqliteRegistry(db, clock, random));
}

}  // namespace edgeloop::registry
