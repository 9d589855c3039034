// What the edgeloop-agent integration tests share: a workspace with a simulated fleet, a model
// trained twice (versions 1 and 2, different seeds and rounds, one feature spec), a release key,
// the two signed bundles and a bundle signed by another key — built once per test suite with the
// real `edgeloop` binary — and agent.yaml files for it.
#pragma once

#include <string>

namespace edgeloop::cli_test {

struct AgentWorkspace {
  std::string dir;              // absolute; everything below is relative to it
  std::string fleet = "fleet";  // readings.csv, events.csv, assets.csv
  std::string trust = "keys/release.pub";
  std::string v1 = "v1.elb";               // pump-failure version 1
  std::string v2 = "v2.elb";               // pump-failure version 2
  std::string other_signer = "other.elb";  // version 2 signed by keys/other.key
  std::string v1_digest;
  std::string v2_digest;
  bool ready = false;  // every step succeeded
};

// Simulates the fleet (8 pumps, 60 days, 10-minute samples, seed 3), trains and bundles twice in
// `dir`. Reports each failed step to GoogleTest (ready stays false).
AgentWorkspace BuildAgentWorkspace(const std::string& dir);

// An agent.yaml for device gw1 trusting the release key, with the local API on a free loopback
// port (or off), `sources` as the indented body of the sources list and `extra` top-level lines.
std::string AgentYaml(const std::string& data_dir, const std::string& sources, bool listen = true,
                      const std::string& extra = "");

// One csv_replay source over the workspace's readings at `speed`.
std::string ReplaySource(const std::string& speed, const std::string& extra_fields = "");

}  // namespace edgeloop::cli_test
