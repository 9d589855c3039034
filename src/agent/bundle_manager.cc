#include "agent/bundle_manager.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

#include "api/json_fields.h"
#include "base/sha256.h"
#include "bundle/verifier.h"

namespace edgeloop::agent {
namespace {

using nlohmann::json;

// An exclusive advisory lock on a file, held for the lifetime of the object. The FileSystem seam
// has no locks; this is the one place the bundle directory needs one.
class FileLock {
 public:
  static Result<FileLock> Acquire(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return IoError(path + ": cannot open lock file: " + std::strerror(errno));
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        ::close(fd);
        return IoError(path + ": cannot lock: " + std::strerror(errno));
      }
    }
    return FileLock(fd);
  }
  FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::string BundleState::ToJson() const {
  return json{{"active", active},
              {"previous", previous},
              {"active_name", active_name},
              {"active_version", active_version},
              {"previous_name", previous_name},
              {"previous_version", previous_version},
              {"on_probation", on_probation},
              {"rejected", rejected},
              {"generation", generation},
              {"changed_ms", changed_ms},
              {"last_change", last_change}}
             .dump(2) +
         "\n";
}

Result<BundleState> BundleState::Parse(std::string_view text) {
  json doc;
  EL_RETURN_IF_ERROR(api::JsonFields::ParseObject(text, "bundles/state.json", &doc));
  api::JsonFields f(doc, "bundles/state.json");
  BundleState s;
  EL_ASSIGN_OR_RETURN(s.active, f.String("active"));
  EL_ASSIGN_OR_RETURN(s.previous, f.String("previous"));
  EL_ASSIGN_OR_RETURN(s.active_name, f.String("active_name"));
  EL_ASSIGN_OR_RETURN(s.active_version, f.Int("active_version"));
  EL_ASSIGN_OR_RETURN(s.previous_name, f.String("previous_name"));
  EL_ASSIGN_OR_RETURN(s.previous_version, f.Int("previous_version"));
  EL_ASSIGN_OR_RETURN(s.on_probation, f.Bool("on_probation"));
  EL_ASSIGN_OR_RETURN(const json* rejected, f.Array("rejected"));
  for (const json& r : *rejected) {
    if (!r.is_string()) return f.Error("rejected", "expected digests");
    s.rejected.push_back(r.get<std::string>());
  }
  EL_ASSIGN_OR_RETURN(s.generation, f.Int("generation"));
  EL_ASSIGN_OR_RETURN(s.changed_ms, f.Int("changed_ms"));
  EL_ASSIGN_OR_RETURN(s.last_change, f.String("last_change"));
  return s;
}

BundleManager::BundleManager(FileSystem& fs, std::string data_dir,
                             std::vector<bundle::PublicKey> trusted, const Clock& clock)
    : fs_(fs), dir_(std::move(data_dir) + "/bundles"), trusted_(std::move(trusted)), clock_(clock) {}

std::string BundleManager::BundlePath(const std::string& digest) const {
  return dir_ + "/" + digest + ".elb";
}

Result<BundleState> BundleManager::ReadState() {
  const std::string path = dir_ + "/state.json";
  if (!fs_.Exists(path)) return BundleState{};
  EL_ASSIGN_OR_RETURN(std::string text, fs_.ReadFile(path));
  return BundleState::Parse(text);
}

Status BundleManager::WriteState(BundleState state, const std::string& change) {
  state.generation += 1;
  state.changed_ms = clock_.NowMillis();
  state.last_change = change;
  return fs_.WriteFileAtomic(dir_ + "/state.json", state.ToJson());
}

void BundleManager::Prune(const BundleState& state) {
  Result<std::vector<std::string>> names = fs_.ListDir(dir_);
  if (!names.ok()) return;
  for (const std::string& name : *names) {
    if (name.size() != 64 + 4 || name.substr(64) != ".elb") continue;
    const std::string digest = name.substr(0, 64);
    if (digest != state.active && digest != state.previous) (void)fs_.Remove(dir_ + "/" + name);
  }
}

Result<InstallOutcome> BundleManager::InstallFile(const std::string& path,
                                                  const InstallOptions& options) {
  EL_ASSIGN_OR_RETURN(std::string bytes, fs_.ReadFile(path));
  return Install(bytes, options);
}

Result<InstallOutcome> BundleManager::Install(std::string_view bytes, const InstallOptions& options) {
  EL_RETURN_IF_ERROR(fs_.CreateDirs(dir_ + "/staging"));
  EL_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(dir_ + "/.lock"));
  const std::string digest = Sha256Hex(bytes);
  const std::string staged = dir_ + "/staging/" + digest + ".elb";
  EL_RETURN_IF_ERROR(fs_.WriteFileAtomic(staged, bytes));
  // Verify what was written, not what was given: the staged file is what will run.
  Result<std::string> staged_bytes = fs_.ReadFile(staged);
  if (!staged_bytes.ok()) return staged_bytes.status();
  Result<bundle::VerifiedBundle> verified = bundle::VerifyBundle(*staged_bytes, trusted_);
  if (!verified.ok()) {
    (void)fs_.Remove(staged);
    return verified.status();
  }
  EL_ASSIGN_OR_RETURN(BundleState state, ReadState());
  InstallOutcome outcome;
  outcome.digest = digest;
  outcome.name = verified->manifest.name;
  outcome.version = verified->manifest.version;
  const std::string label = "bundle " + outcome.name + " v" + std::to_string(outcome.version) +
                            " (" + ShortDigest(digest) + ")";
  if (state.active == digest) {
    (void)fs_.Remove(staged);
    outcome.already_active = true;
    return outcome;
  }
  if (!options.allow_older) {
    if (Contains(state.rejected, digest)) {
      (void)fs_.Remove(staged);
      return FailedPrecondition(label + " was rejected on this device before; install it as a "
                                        "rollback to run it again");
    }
    if (!state.active.empty() && state.active_name == outcome.name &&
        outcome.version < state.active_version) {
      (void)fs_.Remove(staged);
      return FailedPrecondition(label + " is older than the running v" +
                                std::to_string(state.active_version) +
                                "; install it as a rollback to go back");
    }
  }
  EL_RETURN_IF_ERROR(fs_.Rename(staged, BundlePath(digest)));
  outcome.replaced = state.active;
  BundleState next = state;
  next.previous = state.active;
  next.previous_name = state.active_name;
  next.previous_version = state.active_version;
  next.active = digest;
  next.active_name = outcome.name;
  next.active_version = outcome.version;
  next.on_probation = true;
  next.rejected.erase(std::remove(next.rejected.begin(), next.rejected.end(), digest),
                      next.rejected.end());
  EL_RETURN_IF_ERROR(WriteState(next, options.reason + ": " + label));
  Prune(next);
  return outcome;
}

Result<std::shared_ptr<const ActiveModel>> BundleManager::LoadActive() {
  EL_ASSIGN_OR_RETURN(BundleState state, ReadState());
  if (state.active.empty()) return NotFound("no bundle installed in " + dir_);
  auto load = [&](const std::string& digest) -> Result<std::shared_ptr<const ActiveModel>> {
    EL_ASSIGN_OR_RETURN(std::string bytes, fs_.ReadFile(BundlePath(digest)));
    EL_ASSIGN_OR_RETURN(bundle::VerifiedBundle verified, bundle::VerifyBundle(bytes, trusted_));
    return ActiveModel::FromBundle(std::move(verified));
  };
  Result<std::shared_ptr<const ActiveModel>> active = load(state.active);
  if (active.ok()) return active;
  if (state.previous.empty()) return active.status();
  Result<std::shared_ptr<const ActiveModel>> previous = load(state.previous);
  if (!previous.ok()) return active.status();
  // The active file went bad on disk: go back to the previous bundle for good.
  EL_RETURN_IF_ERROR(RollBack(state.active, "active bundle failed verification at load: " +
                                                std::string(active.status().message())));
  return previous;
}

Status BundleManager::PassProbation(const std::string& digest) {
  EL_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(dir_ + "/.lock"));
  EL_ASSIGN_OR_RETURN(BundleState state, ReadState());
  if (state.active != digest || !state.on_probation) return Status::Ok();
  state.on_probation = false;
  return WriteState(state, "probation passed: " + state.active_name + " v" +
                               std::to_string(state.active_version));
}

Status BundleManager::RollBack(const std::string& digest, const std::string& reason) {
  EL_RETURN_IF_ERROR(fs_.CreateDirs(dir_));
  EL_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(dir_ + "/.lock"));
  EL_ASSIGN_OR_RETURN(BundleState state, ReadState());
  if (state.active != digest) {
    return FailedPrecondition("cannot roll back bundle " + ShortDigest(digest) + ": it is not active");
  }
  if (state.previous.empty()) {
    return FailedPrecondition("cannot roll back bundle " + ShortDigest(digest) +
                              ": there is no previous bundle on this device");
  }
  BundleState next = state;
  next.active = state.previous;
  next.active_name = state.previous_name;
  next.active_version = state.previous_version;
  next.previous.clear();
  next.previous_name.clear();
  next.previous_version = 0;
  next.on_probation = false;
  if (!Contains(next.rejected, digest)) next.rejected.push_back(digest);
  EL_RETURN_IF_ERROR(WriteState(next, "rolled back " + state.active_name + " v" +
                                          std::to_string(state.active_version) + ": " + reason));
  Prune(next);
  return Status::Ok();
}

}  // namespace edgeloop::agent
