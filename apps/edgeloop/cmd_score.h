// `edgeloop score`: runs a bundle over a CSV offline, with the edge agent's own code path.
#pragma once

#include <string>
#include <vector>

#include "edgeloop/app_context.h"

namespace edgeloop::app {

struct ScoreFlags {
  std::string bundle;              // .elb file
  std::vector<std::string> trust;  // public key files; the bundle must verify
  std::string input;               // readings CSV (wide or long) or feature rows
  std::string waveforms;           // optional waveforms CSV for spectral features
  std::string output;              // CSV to write; "-" or "" = stdout
  int top = 5;                     // contributions named per alert
  bool json = false;               // summary as JSON on stdout (needs --output FILE)
};

// Input with every model input as a column is taken as feature rows (optional `asset` and
// `time` columns); anything else is read as readings and windowed by the bundle's feature spec.
// Output columns: asset,time,score,over,alert,alert_id,top_features. Exit codes as exit_code.h
// (4 untrusted bundle, 6 failed verification, 2 bad input).
int RunScore(const AppContext& context, const ScoreFlags& flags);

}  // namespace edgeloop::app
