// DataSource: where a training job's readings and events come from, and the loaded result.
//
// A job names either files (`readings`, `events`, or a `dir` holding readings.csv and
// events.csv as `edgeloop sim` writes them) or a `dataset` imported into the workspace with
// `edgeloop data import`, whose canonical files live in the artifact store and so never change.
// Loading reads and checks everything before anyone writes anything, and computes the digests a
// run records: the readings, the readings of each asset (so a changed reading can be traced to
// its asset) and the events.
//
// Errors: the readers' InvalidArgument with file:line, NotFound for missing files or datasets.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/readings.h"
#include "base/status.h"
#include "io/event.h"
#include "registry/registry.h"
#include "store/workspace.h"

namespace edgeloop::pipeline {

struct DataSource {
  std::string readings_path;  // files, resolved against the working directory
  std::string events_path;
  std::string waveforms_path;  // optional raw bursts (waveforms.csv) for spectral features
  std::string dataset;         // or a dataset imported into the workspace
};

struct LoadedData {
  std::vector<AssetReadings> readings;
  std::vector<io::Event> events;
  std::vector<Waveform> waveforms;  // empty unless a waveforms file was named
  std::vector<std::string> signals;  // union of the readings' signals, in file order
  std::string readings_digest;
  std::string events_digest;
  std::string waveforms_digest;  // "" without waveforms
  std::map<std::string, std::string> asset_digests;  // asset -> digest of its readings
  std::string readings_origin;  // what was read, for messages and run records
  std::string events_origin;
};

// `dir` is shorthand for <dir>/readings.csv and <dir>/events.csv (and <dir>/waveforms.csv when
// `with_waveforms`, for specs with spectral features).
DataSource DataSourceFromDir(const std::string& dir, bool with_waveforms = false);

// Reads and checks the data through `fs`. A dataset needs `workspace` and `registry` (may be
// null otherwise); NotFound when a dataset name is unknown or there is no workspace.
Result<LoadedData> LoadData(const DataSource& source, FileSystem& fs, store::Workspace* workspace,
                            registry::Registry* registry);

}  // namespace edgeloop::pipeline
