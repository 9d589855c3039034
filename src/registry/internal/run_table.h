// RunTable: the runs and run_inputs tables of SqliteRegistry. See registry.h for the contract.
// Refers to a Database, Clock and Random owned by the caller. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "registry/run.h"
#include "store/database.h"

namespace edgeloop::registry::internal {

class RunTable {
 public:
  RunTable(store::Database& db, Clock& clock, Random& random)
      : db_(db), clock_(clock), random_(random) {}

  Result<Run> Create(const RunSpec& spec);
  Result<Run> Finish(const std::string& run_id, const RunOutcome& outcome);
  Result<Run> Fail(const std::string& run_id, const std::string& message);
  Result<Run> Get(const std::string& run_id);
  Result<std::vector<Run>> List(const RunFilter& filter);
  // OK when the run exists; NotFound naming it otherwise.
  Status CheckExists(const std::string& run_id);

 private:
  // Moves a running run to `status`, inside a transaction.
  Result<Run> Close(const std::string& run_id, RunStatus status, const RunOutcome& outcome,
                    const std::string& error);
  Status ReadInputs(Run& run);

  store::Database& db_;
  Clock& clock_;
  Random& random_;
};

}  // namespace edgeloop::registry::internal
