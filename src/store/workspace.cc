#include "store/workspace.h"

namespace edgeloop::store {
namespace {

constexpr char kDatabaseFile[] = "edgeloop.db";
constexpr char kDefaultHome[] = "./edgeloop-home";

std::string HowToCreate(const std::string& home) {
  return "; create one with `edgeloop init --home " + home +
         "`, or point --home or $EDGELOOP_HOME at an existing edgeloop home";
}

}  // namespace

std::string ResolveHome(const std::string& flag, const char* env_edgeloop_home) {
  if (!flag.empty()) return flag;
  if (env_edgeloop_home != nullptr && env_edgeloop_home[0] != '\0') return env_edgeloop_home;
  return kDefaultHome;
}

Workspace::Workspace(std::string home, FileSystem& fs, std::unique_ptr<Database> db)
    : home_(std::move(home)),
      fs_(fs),
      db_(std::move(db)),
      artifacts_(std::make_unique<ArtifactStore>(JoinPath(home_, "artifacts"), fs)) {}

std::string Workspace::DatabasePath() const { return JoinPath(home_, kDatabaseFile); }

Result<std::unique_ptr<Workspace>> Workspace::Open(const std::string& home, FileSystem& fs,
                                                   const Options& options) {
  if (home.empty()) return InvalidArgument("edgeloop home: the path is empty");
  const std::string db_path = JoinPath(home, kDatabaseFile);
  if (!options.create) {
    if (!fs.IsDirectory(home)) {
      return NotFound("edgeloop home " + home + " does not exist" + HowToCreate(home));
    }
    if (!fs.Exists(db_path)) {
      return NotFound("edgeloop home " + home + " has no " + kDatabaseFile +
                      " (it is not an edgeloop home)" + HowToCreate(home));
    }
  } else {
    EL_RETURN_IF_ERROR(fs.CreateDirs(JoinPath(JoinPath(home, "artifacts"), "sha256")));
  }

  Database::Options db_options;
  db_options.create_if_missing = options.create;
  db_options.synchronous_full = options.synchronous_full;
  EL_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(db_path, db_options));
  for (const MigrationSet& set : options.schemas) {
    EL_RETURN_IF_ERROR(ApplyMigrations(*db, set));
  }
  return std::unique_ptr<Workspace>(new Workspace(home, fs, std::move(db)));
}

}  // namespace edgeloop::store
