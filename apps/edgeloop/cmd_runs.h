// `edgeloop runs list` and `edgeloop runs show RUN`: what the registry knows about runs.
//
// Each command takes its parsed flags, the workspace and registry to read, and the streams to
// write to, and returns the process exit code (errors are printed as "edgeloop: <message>" on
// `err` and mapped through exit_code.h). Human output is an aligned plain-text table or a list
// of fields; with json set, one JSON document with the same content goes to `out`.
#pragma once

#include "edgeloop/exit_code.h"

#include <cstdio>
#include <string>
#include <vector>

#include "base/status.h"
#include "registry/registry.h"
#include "store/workspace.h"

namespace edgeloop::app {

struct RunsListFlags {
  int limit = 20;      // <= 0: all runs
  std::string status;  // "", "running", "finished" or "failed"
  std::string kind;    // "" = any kind
  bool json = false;
};

// Newest first: id, kind, status, started, model digest (short), and the key metrics
// (pr_auc, roc_auc, event_recall, rmse, ... whichever the listed runs have, at most four).
int RunsList(store::Workspace& workspace, registry::Registry& registry, const RunsListFlags& flags,
             std::FILE* out, std::FILE* err);

struct RunsShowFlags {
  std::string run_id;
  bool json = false;
};

// Every recorded field of one run, including its config text, inputs and whether its model and
// report artifacts are in the workspace's artifact store.
int RunsShow(store::Workspace& workspace, registry::Registry& registry, const RunsShowFlags& flags,
             std::FILE* out, std::FILE* err);

// Helpers shared by the registry commands (runs, models).

// Writes `rows` (the first is the header) as left-aligned columns separated by two spaces.
void WriteAlignedTable(std::FILE* out, const std::vector<std::vector<std::string>>& rows);

// "0.9134" for tables: four significant digits.
std::string FormatMetric(double value);

}  // namespace edgeloop::app
