#include "pipeline/data_source.h"

#include "base/file_system.h"
#include "io/events_reader.h"
#include "io/readings_reader.h"
#include "io/waveforms_reader.h"
#include "base/sha256.h"

namespace edgeloop::pipeline {
namespace {

// The newest dataset called `name` of `kind`.
Result<registry::Dataset> FindDataset(registry::Registry& registry, const std::string& name,
                                      registry::DatasetKind kind) {
  EL_ASSIGN_OR_RETURN(std::vector<registry::Dataset> all, registry.ListDatasets());
  for (const registry::Dataset& d : all) {
    if (d.name == name && d.kind == kind) return d;
  }
  return NotFound("dataset '" + name + "' has no " + std::string(registry::DatasetKindName(kind)) +
                  " (import them with `edgeloop data import --name " + name + " ...`)");
}

}  // namespace

DataSource DataSourceFromDir(const std::string& dir, bool with_waveforms) {
  DataSource source;
  source.readings_path = JoinPath(dir, "readings.csv");
  source.events_path = JoinPath(dir, "events.csv");
  if (with_waveforms) source.waveforms_path = JoinPath(dir, "waveforms.csv");
  return source;
}

Result<LoadedData> LoadData(const DataSource& source, FileSystem& fs, store::Workspace* workspace,
                            registry::Registry* registry) {
  LoadedData data;
  std::string readings_path = source.readings_path;
  std::string events_path = source.events_path;
  if (!source.dataset.empty()) {
    if (workspace == nullptr || registry == nullptr) {
      return NotFound("dataset '" + source.dataset + "': there is no workspace to read it from");
    }
    EL_ASSIGN_OR_RETURN(registry::Dataset readings,
                        FindDataset(*registry, source.dataset, registry::DatasetKind::kReadings));
    EL_ASSIGN_OR_RETURN(registry::Dataset events,
                        FindDataset(*registry, source.dataset, registry::DatasetKind::kEvents));
    readings_path = workspace->artifacts().PathOf(readings.digest);
    events_path = workspace->artifacts().PathOf(events.digest);
    data.readings_origin = "dataset " + source.dataset + " (" + readings.source_file + ")";
    data.events_origin = "dataset " + source.dataset + " (" + events.source_file + ")";
  } else {
    data.readings_origin = readings_path;
    data.events_origin = events_path;
  }
  EL_ASSIGN_OR_RETURN(data.readings, io::ReadReadingsCsv(readings_path, fs));
  if (data.readings.empty()) return InvalidArgument(readings_path + ": no readings");
  EL_ASSIGN_OR_RETURN(data.events, io::ReadEventsCsv(events_path, fs));
  if (!source.waveforms_path.empty()) {
    EL_ASSIGN_OR_RETURN(data.waveforms, io::ReadWaveformsCsv(source.waveforms_path, fs));
    Sha256Hasher hasher;
    for (const Waveform& w : data.waveforms) {
      hasher.Update(w.asset + "\n" + w.signal + "\n");
      hasher.UpdatePod(w.start_ms);
      hasher.UpdatePod(w.rate_hz);
      hasher.Update(std::string_view(reinterpret_cast<const char*>(w.samples.data()),
                                     w.samples.size() * sizeof(float)));
    }
    data.waveforms_digest = hasher.FinalHex();
  }

  for (const AssetReadings& asset : data.readings) {
    for (const std::string& s : asset.signals) {
      bool known = false;
      for (const std::string& have : data.signals) known |= have == s;
      if (!known) data.signals.push_back(s);
    }
    data.asset_digests[asset.asset] = io::ReadingsDigest({asset});
  }
  data.readings_digest = io::ReadingsDigest(data.readings);
  data.events_digest = io::EventsDigest(data.events);
  return data;
}

}  // namespace edgeloop::pipeline
