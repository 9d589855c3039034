// ValidationTable: the model_validations table of SqliteRegistry (registry migration 4). Each
// record also becomes its version's validation_report_digest. See registry.h for the contract.
// Refers to a Database owned by the caller. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "registry/validation_record.h"
#include "store/database.h"

namespace edgeloop::registry::internal {

class ValidationTable {
 public:
  explicit ValidationTable(store::Database& db) : db_(db) {}

  Result<ValidationRecord> Record(const ValidationRecord& record);
  Result<std::vector<ValidationRecord>> List(const std::string& model, int version);

 private:
  Status CheckVersionExists(const std::string& model, int version, const std::string& purpose);

  store::Database& db_;
};

}  // namespace edgeloop::registry::internal
