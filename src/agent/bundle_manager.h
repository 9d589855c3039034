// BundleManager: which model bundle a device runs, and the only code that changes it.
//
// Layout under <data_dir>/bundles/: staging/ (incoming bytes), <digest>.elb (the active and the
// previous bundle; others are pruned) and state.json (active, previous, probation, rejected
// digests, a generation number that grows with every change). state.json is replaced atomically
// (FileSystem::WriteFileAtomic), and every change happens under an exclusive lock on
// bundles/.lock, so `edgeloop-agent install` in one process and the running agent in another
// never interleave; a kill -9 at any point leaves either the old or the new state.
//
// Install: stage the bytes, verify them (signature by a trusted key, seal, every file's sha256,
// golden inputs reproduced by the model: the smoke test), refuse a bundle older than the active
// one of the same model (and one rejected before) unless told to roll back, move it into place
// by rename, then switch state.json: the new bundle is active and on probation, the old one is
// previous. RollBack switches back to the previous bundle and marks the failed one rejected;
// PassProbation ends probation. LoadActive verifies the active bundle again before it runs and
// falls back to the previous one when the file no longer verifies, so the device only ever runs
// a verified bundle and keeps a working one.
//
// Thread-compatible (one loop thread uses it). Errors: PermissionDenied (untrusted signer),
// DataLoss (any other failed check, named), FailedPrecondition (older or rejected bundle),
// NotFound (no bundle installed yet), IoError.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/active_model.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "base/status.h"
#include "bundle/signing_key.h"

namespace edgeloop::agent {

struct BundleState {
  std::string active;    // digest, "" when none
  std::string previous;  // digest, "" when none
  std::string active_name;
  int64_t active_version = 0;
  std::string previous_name;
  int64_t previous_version = 0;
  bool on_probation = false;
  std::vector<std::string> rejected;
  int64_t generation = 0;
  int64_t changed_ms = 0;
  std::string last_change;  // what the last change was and why

  std::string ToJson() const;
  static Result<BundleState> Parse(std::string_view json);
};

struct InstallOptions {
  bool allow_older = false;  // a rollback ordered by an operator or the server
  std::string reason = "installed";
};

struct InstallOutcome {
  std::string digest;
  std::string name;
  int64_t version = 0;
  bool already_active = false;
  std::string replaced;  // digest of the bundle it replaced ("" when none)
};

class BundleManager {
 public:
  BundleManager(FileSystem& fs, std::string data_dir, std::vector<bundle::PublicKey> trusted,
                const Clock& clock);

  Result<InstallOutcome> Install(std::string_view bytes, const InstallOptions& options = {});
  Result<InstallOutcome> InstallFile(const std::string& path, const InstallOptions& options = {});

  // The state as on disk (a fresh device: everything empty, generation 0).
  Result<BundleState> ReadState();
  // Verifies and loads the active bundle; falls back to the previous one (and records why) when
  // the active file no longer verifies. NotFound when no bundle is installed.
  Result<std::shared_ptr<const ActiveModel>> LoadActive();
  // Ends the probation of `digest` (a no-op when it is no longer active).
  Status PassProbation(const std::string& digest);
  // Makes the previous bundle active again and rejects `digest`, for `reason`. FailedPrecondition
  // when `digest` is not active or there is no previous bundle.
  Status RollBack(const std::string& digest, const std::string& reason);

  std::string BundlePath(const std::string& digest) const;
  const std::string& dir() const { return dir_; }

 private:
  Status WriteState(BundleState state, const std::string& change);
  void Prune(const BundleState& state);

  FileSystem& fs_;
  std::string dir_;
  std::vector<bundle::PublicKey> trusted_;
  const Clock& clock_;
};

}  // namespace edgeloop::agent
