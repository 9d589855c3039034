// `edgeloop keys generate`, `edgeloop bundle build|verify|inspect|validate`.
#pragma once

#include <string>
#include <vector>

#include "edgeloop/app_context.h"

namespace edgeloop::app {

struct KeysGenerateFlags {
  std::string out;  // path prefix: writes <out>.key (secret, mode 0600) and <out>.pub
  bool json = false;
};

int RunKeysGenerate(const AppContext& context, const KeysGenerateFlags& flags);

struct BundleBuildFlags {
  std::string model;   // NAME@ALIAS, NAME@VERSION or NAME
  std::string key;     // secret key file
  std::string output;  // bundle file to write (.elb)
  bool json = false;
};

// Builds, signs and stores the bundle in the workspace, and writes a copy to `output`.
int RunBundleBuild(const AppContext& context, const BundleBuildFlags& flags);

struct BundleVerifyFlags {
  std::string file;
  std::vector<std::string> trust;  // public key files
  bool json = false;
};

// Exit 0 when the bundle verifies; 4 when no trusted key signed it; 6 for any other failed check.
int RunBundleVerify(const AppContext& context, const BundleVerifyFlags& flags);

struct BundleInspectFlags {
  std::string file;
  bool json = false;
};

// Shows the manifest without trusting it (say so); `bundle verify` is the check.
int RunBundleInspect(const AppContext& context, const BundleInspectFlags& flags);

struct BundleValidateFlags {
  std::string file;
  std::vector<std::string> trust;  // public key files
  std::string gates;               // gates YAML file; "" = the documented defaults
  bool json = false;               // print the report as JSON
  bool no_record = false;          // do not record the report in the workspace registry
  int latency_iterations = 200;    // passes over the golden rows when timing Score
};

// Verifies and profiles the bundle on this machine and checks it against the gates; records the
// report against the manifest's model version when the workspace has it (otherwise says so).
// Exit 0 when every gate passes; 1 when a gate failed; 4 when no trusted key signed it; 6 for
// any other failed verification; 2 for a bad gates file or flags.
int RunBundleValidate(const AppContext& context, const BundleValidateFlags& flags);

}  // namespace edgeloop::app
