// ServerDb: the server's connections to the workspace database, one per concurrent request.
//
// SQLite connections (store::Database) and registries (registry::SqliteRegistry) are not
// thread-safe, while REST handlers run on many threads; ServerDb hands each caller a Lease on a
// connection of its own, with its own registry and Random, and takes it back when the lease
// dies. Idle connections are kept for reuse (at most `max_idle`); WAL mode lets readers run in
// parallel while writers take turns through SQLite's busy timeout.
//
// Open() applies the registry's and the server's migrations (FailedPrecondition when the
// database was written by a newer edgeloop). Ownership: owns the connections; refers to a Clock
// that must outlive it; every Lease must die before the ServerDb. Thread-safety: Acquire() is
// thread-safe; a Lease is used by one thread at a time. Errors: database errors as in
// store/database.h.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/status.h"
#include "registry/sqlite_registry.h"
#include "store/database.h"

namespace edgeloop::server {

class ServerDb {
  // One connection with its own Random and registry. Members are destroyed in reverse order:
  // the registry (which refers to the database and the Random) goes first.
  struct Connection {
    std::unique_ptr<store::Database> db;
    std::unique_ptr<Random> random;
    std::unique_ptr<registry::SqliteRegistry> registry;
  };

 public:
  static Result<std::unique_ptr<ServerDb>> Open(const std::string& path, Clock& clock,
                                                uint64_t seed, int max_idle = 8);
  ~ServerDb();
  ServerDb(const ServerDb&) = delete;
  ServerDb& operator=(const ServerDb&) = delete;

  class Lease {
   public:
    Lease(Lease&& other) noexcept : owner_(other.owner_), connection_(std::move(other.connection_)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    store::Database& db();
    registry::Registry& registry();

   private:
    friend class ServerDb;
    Lease(ServerDb* owner, std::unique_ptr<Connection> connection)
        : owner_(owner), connection_(std::move(connection)) {}
    ServerDb* owner_;
    std::unique_ptr<Connection> connection_;
  };

  Result<Lease> Acquire();
  const std::string& path() const { return path_; }

 private:
  ServerDb(std::string path, Clock& clock, uint64_t seed, int max_idle)
      : path_(std::move(path)), clock_(clock), seed_(seed), max_idle_(max_idle) {}
  Result<std::unique_ptr<Connection>> Connect();
  void Release(std::unique_ptr<Connection> connection);

  const std::string path_;
  Clock& clock_;
  const uint64_t seed_;
  const size_t max_idle_;
  std::mutex mu_;
  uint64_t connections_made_ = 0;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace edgeloop::server
