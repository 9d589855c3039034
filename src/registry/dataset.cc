#include "registry/dataset.h"

namespace edgeloop::registry {

std::string_view DatasetKindName(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::kReadings:
      return "readings";
    case DatasetKind::kEvents:
      return "events";
    case DatasetKind::kAssets:
      return "assets";
  }
  return "unknown";
}

Result<DatasetKind> ParseDatasetKind(std::string_view text) {
  if (text == "readings") return DatasetKind::kReadings;
  if (text == "events") return DatasetKind::kEvents;
  if (text == "assets") return DatasetKind::kAssets;
  return InvalidArgument("dataset kind '" + std::string(text) +
                         "' is not one of readings, events, assets");
}

}  // namespace edgeloop::registry
