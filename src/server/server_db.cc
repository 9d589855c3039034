#include "server/server_db.h"

#include "registry/registry_schema.h"
#include "server/server_schema.h"
#include "store/migrations.h"

namespace edgeloop::server {

Result<std::unique_ptr<ServerDb>> ServerDb::Open(const std::string& path, Clock& clock,
                                                 uint64_t seed, int max_idle) {
  std::unique_ptr<ServerDb> db(new ServerDb(path, clock, seed, max_idle > 0 ? max_idle : 1));
  EL_ASSIGN_OR_RETURN(std::unique_ptr<Connection> first, db->Connect());
  EL_RETURN_IF_ERROR(store::ApplyMigrations(*first->db, ServerSchema()));
  db->Release(std::move(first));
  return db;
}

ServerDb::~ServerDb() = default;

Result<std::unique_ptr<ServerDb::Connection>> ServerDb::Connect() {
  uint64_t stream = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stream = ++connections_made_;
  }
  auto connection = std::make_unique<Connection>();
  store::Database::Options options;
  options.create_if_missing = false;
  EL_ASSIGN_OR_RETURN(connection->db, store::Database::Open(path_, options));
  // Each connection draws registry ids from its own stream of the server's seed.
  connection->random = std::make_unique<Random>(Random(seed_).Fork(stream));
  EL_ASSIGN_OR_RETURN(connection->registry, registry::SqliteRegistry::Open(
                                                *connection->db, clock_, *connection->random));
  return connection;
}

void ServerDb::Release(std::unique_ptr<Connection> connection) {
  // A connection left inside a transaction (a bug) is closed rather than reused.
  if (connection == nullptr || connection->db->InTransaction()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(connection));
}

Result<ServerDb::Lease> ServerDb::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
  }
  EL_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, Connect());
  return Lease(this, std::move(connection));
}

ServerDb::Lease::~Lease() {
  if (owner_ != nullptr && connection_ != nullptr) owner_->Release(std::move(connection_));
}

store::Database& ServerDb::Lease::db() { return *connection_->db; }
registry::Registry& ServerDb::Lease::registry() { return *connection_->registry; }

}  // namespace edgeloop::server
