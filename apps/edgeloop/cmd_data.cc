#include "edgeloop/cmd_data.h"

#include <set>

#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "base/time_format.h"
#include "edgeloop/cmd_runs.h"
#include "edgeloop/exit_code.h"
#include "io/assets_reader.h"
#include "io/events_reader.h"
#include "io/readings_reader.h"

namespace edgeloop::app {
namespace {

using nlohmann::json;

int Fail(const AppContext& context, const Status& status) {
  return ReportFailure(status, context.err);
}

// A checked file in its canonical text, ready to store.
struct Prepared {
  registry::NewDataset record;
  std::string canonical;
};

Result<Prepared> PrepareReadings(const AppContext& context, const DataImportFlags& flags) {
  EL_ASSIGN_OR_RETURN(std::vector<AssetReadings> readings,
                      io::ReadReadingsCsv(flags.readings, *context.fs));
  Prepared p;
  EL_ASSIGN_OR_RETURN(p.canonical, io::FormatReadingsCsv(readings));
  p.record.kind = registry::DatasetKind::kReadings;
  p.record.assets = static_cast<int64_t>(readings.size());
  for (const AssetReadings& a : readings) {
    p.record.rows += static_cast<int64_t>(a.rows());
    if (a.rows() == 0) continue;
    if (!p.record.start_ms || a.time_ms.front() < *p.record.start_ms) {
      p.record.start_ms = a.time_ms.front();
    }
    if (!p.record.end_ms || a.time_ms.back() > *p.record.end_ms) p.record.end_ms = a.time_ms.back();
  }
  p.record.source_file = flags.readings;
  return p;
}

Result<Prepared> PrepareEvents(const AppContext& context, const DataImportFlags& flags) {
  EL_ASSIGN_OR_RETURN(std::vector<io::Event> events, io::ReadEventsCsv(flags.events, *context.fs));
  Prepared p;
  EL_ASSIGN_OR_RETURN(p.canonical, io::FormatEventsCsv(events));
  p.record.kind = registry::DatasetKind::kEvents;
  p.record.rows = static_cast<int64_t>(events.size());
  std::set<std::string> assets;
  for (const io::Event& e : events) assets.insert(e.asset);
  p.record.assets = static_cast<int64_t>(assets.size());
  if (!events.empty()) {
    p.record.start_ms = events.front().time_ms;
    p.record.end_ms = events.back().time_ms;
  }
  p.record.source_file = flags.events;
  return p;
}

Result<Prepared> PrepareAssets(const AppContext& context, const DataImportFlags& flags) {
  EL_ASSIGN_OR_RETURN(std::vector<io::Asset> assets, io::ReadAssetsCsv(flags.assets, *context.fs));
  Prepared p;
  EL_ASSIGN_OR_RETURN(p.canonical, io::FormatAssetsCsv(assets));
  p.record.kind = registry::DatasetKind::kAssets;
  p.record.rows = static_cast<int64_t>(assets.size());
  p.record.assets = static_cast<int64_t>(assets.size());
  p.record.source_file = flags.assets;
  return p;
}

json DatasetJson(const registry::Dataset& d) {
  json j = {{"id", d.id},       {"name", d.name},     {"kind", registry::DatasetKindName(d.kind)},
            {"digest", d.digest}, {"rows", d.rows},   {"assets", d.assets},
            {"source_file", d.source_file}, {"created", FormatTimestamp(d.created_ms)}};
  j["start"] = d.start_ms ? json(FormatTimestamp(*d.start_ms)) : json(nullptr);
  j["end"] = d.end_ms ? json(FormatTimestamp(*d.end_ms)) : json(nullptr);
  return j;
}

std::vector<std::string> DatasetRow(const registry::Dataset& d) {
  return {d.name,
          std::string(registry::DatasetKindName(d.kind)),
          std::to_string(d.rows),
          std::to_string(d.assets),
          d.start_ms ? FormatTimestamp(*d.start_ms) : "-",
          d.end_ms ? FormatTimestamp(*d.end_ms) : "-",
          ShortDigest(d.digest),
          d.source_file};
}

const std::vector<std::string> kHeader = {"NAME", "KIND", "ROWS", "ASSETS", "START",
                                          "END", "DIGEST", "SOURCE"};

}  // namespace

int RunDataImport(const AppContext& context, const DataImportFlags& flags) {
  if (flags.name.empty()) return Fail(context, InvalidArgument("--name is required"));
  if (flags.readings.empty() && flags.events.empty() && flags.assets.empty()) {
    return Fail(context, InvalidArgument("give at least one of --readings, --events, --assets"));
  }
  // Check everything first: one bad file imports nothing.
  std::vector<Prepared> prepared;
  if (!flags.readings.empty()) {
    Result<Prepared> p = PrepareReadings(context, flags);
    if (!p.ok()) return Fail(context, p.status());
    prepared.push_back(std::move(p).value());
  }
  if (!flags.events.empty()) {
    Result<Prepared> p = PrepareEvents(context, flags);
    if (!p.ok()) return Fail(context, p.status());
    prepared.push_back(std::move(p).value());
  }
  if (!flags.assets.empty()) {
    Result<Prepared> p = PrepareAssets(context, flags);
    if (!p.ok()) return Fail(context, p.status());
    prepared.push_back(std::move(p).value());
  }

  Result<OpenedWorkspace> opened = OpenWorkspace(context, /*create=*/true);
  if (!opened.ok()) return Fail(context, opened.status());
  std::vector<registry::Dataset> added;
  for (Prepared& p : prepared) {
    Result<std::string> digest = opened->workspace->artifacts().Put(p.canonical);
    if (!digest.ok()) return Fail(context, digest.status());
    p.record.name = flags.name;
    p.record.digest = *digest;
    Result<registry::Dataset> d = opened->registry->AddDataset(p.record);
    if (!d.ok()) return Fail(context, d.status());
    added.push_back(*d);
  }
  if (flags.json) {
    json doc = json::array();
    for (const registry::Dataset& d : added) doc.push_back(DatasetJson(d));
    std::fprintf(context.out, "%s\n", json{{"datasets", doc}}.dump(2).c_str());
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {kHeader};
  for (const registry::Dataset& d : added) rows.push_back(DatasetRow(d));
  WriteAlignedTable(context.out, rows);
  std::fprintf(context.out, "\nTrain on it with `data: {dataset: %s}` in a train config.\n",
               flags.name.c_str());
  return kExitOk;
}

int RunDataList(const AppContext& context, const DataListFlags& flags) {
  Result<OpenedWorkspace> opened = OpenWorkspace(context, /*create=*/false);
  if (!opened.ok()) return Fail(context, opened.status());
  Result<std::vector<registry::Dataset>> all = opened->registry->ListDatasets();
  if (!all.ok()) return Fail(context, all.status());
  if (flags.json) {
    json doc = json::array();
    for (const registry::Dataset& d : *all) doc.push_back(DatasetJson(d));
    std::fprintf(context.out, "%s\n", json{{"datasets", doc}}.dump(2).c_str());
    return kExitOk;
  }
  if (all->empty()) {
    std::fprintf(context.out, "no datasets (import one with `edgeloop data import`)\n");
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {kHeader};
  for (const registry::Dataset& d : *all) rows.push_back(DatasetRow(d));
  WriteAlignedTable(context.out, rows);
  return kExitOk;
}

}  // namespace edgeloop::app
