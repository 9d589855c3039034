// EventTable: maintenance events recorded through the server (table `events`): failures with
// their failure mode, repairs, maintenance and inspections, the late ground truth that labels
// what devices scored.
//
// `edgeloop data import --events` keeps an events file as an immutable dataset for training; the
// server instead receives events one post at a time, so it keeps them as rows that can be
// queried by asset and time. An event is unique by (time, asset, kind, failure mode): posting it
// again adds nothing, so clients may retry.
//
// Ownership: refers to a Database (not thread-safe; one per connection). Errors: database errors
// as in store/database.h; Add is all or nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "io/event.h"
#include "store/database.h"

namespace edgeloop::server {

struct StoredEvent {
  int64_t id = 0;
  io::Event event;
  int64_t recorded_ms = 0;
  std::string recorded_by;  // token id
};

struct EventQuery {
  std::string asset;               // "" = every asset
  std::optional<int64_t> from_ms;  // inclusive
  std::optional<int64_t> to_ms;    // exclusive
  int limit = 1000;
};

struct EventsAdded {
  int64_t added = 0;
  int64_t duplicates = 0;  // already stored
};

class EventTable {
 public:
  explicit EventTable(store::Database& db) : db_(db) {}

  Result<EventsAdded> Add(const std::vector<io::Event>& events, const std::string& recorded_by,
                          int64_t now_ms);
  // By time, then asset.
  Result<std::vector<StoredEvent>> Query(const EventQuery& query);
  Result<int64_t> Count();

 private:
  store::Database& db_;
};

}  // namespace edgeloop::server
