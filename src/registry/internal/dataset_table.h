// DatasetTable: the datasets table of SqliteRegistry. See registry.h for the contract.
// Refers to a Database, Clock and Random owned by the caller. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "registry/dataset.h"
#include "store/database.h"

namespace edgeloop::registry::internal {

class DatasetTable {
 public:
  DatasetTable(store::Database& db, Clock& clock, Random& random)
      : db_(db), clock_(clock), random_(random) {}

  Result<Dataset> Add(const NewDataset& spec);
  Result<Dataset> Get(const std::string& name);
  Result<std::vector<Dataset>> List();

 private:
  Result<std::vector<Dataset>> Query(const std::string& name, int limit);

  store::Database& db_;
  Clock& clock_;
  Random& random_;
};

}  // namespace edgeloop::registry::internal
