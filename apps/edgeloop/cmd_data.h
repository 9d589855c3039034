// `edgeloop data import` and `edgeloop data list`: bring readings, events and assets files into
// the workspace as immutable datasets that train configs can name (`data: {dataset: NAME}`).
#pragma once

#include <string>

#include "edgeloop/app_context.h"

namespace edgeloop::app {

struct DataImportFlags {
  std::string name;
  std::string readings;  // wide or long CSV
  std::string events;    // events CSV
  std::string assets;    // assets CSV
  bool json = false;
};

// Every file is read and checked before anything is stored; one bad file imports nothing.
int RunDataImport(const AppContext& context, const DataImportFlags& flags);

struct DataListFlags {
  bool json = false;
};

int RunDataList(const AppContext& context, const DataListFlags& flags);

}  // namespace edgeloop::app
