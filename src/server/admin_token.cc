#include "server/admin_token.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "base/file_system.h"
#include "server/audit_table.h"
#include "server/token_table.h"
#include "store/transaction.h"

namespace edgeloop::server {
namespace {

Status OsError(const std::string& path, const char* what) {
  return IoError(path + ": " + what + ": " + std::strerror(errno));
}

Status WriteAll(int fd, const std::string& text, const std::string& path) {
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return OsError(path, "cannot write");
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return OsError(path, "cannot fsync");
  return Status::Ok();
}

}  // namespace

Status WriteSecretFile(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp";
  ::unlink(temp.c_str());  // a leftover of a crash; never a file anyone relies on
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return OsError(temp, "cannot create");
  Status status = ::fchmod(fd, 0600) == 0 ? WriteAll(fd, text, temp)
                                          : OsError(temp, "cannot set mode 0600");
  if (::close(fd) != 0 && status.ok()) status = OsError(temp, "cannot close");
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = OsError(path, "cannot rename the temporary file into place");
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  const std::string dir = DirName(path);
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return OsError(dir, "cannot open directory to fsync");
  const int rc = ::fsync(dir_fd);
  ::close(dir_fd);
  if (rc != 0) return OsError(dir, "cannot fsync directory");
  return Status::Ok();
}

Result<AdminBootstrap> EnsureAdminToken(store::Database& db, const std::string& home,
                                        SecretSource& secrets, Clock& clock) {
  AdminBootstrap result;
  result.path = JoinPath(home, kAdminTokenFile);
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db, "first admin token"));
  TokenTable tokens(db);
  EL_ASSIGN_OR_RETURN(bool has_admin, tokens.HasActiveAdmin());
  if (has_admin) return result;

  const int64_t now = clock.NowMillis();
  NewToken spec;
  spec.role = Role::kAdmin;
  spec.name = "admin (first start)";
  spec.created_by = "server";
  EL_ASSIGN_OR_RETURN(IssuedToken issued, tokens.Create(spec, secrets, now));
  AuditEntry entry;
  entry.time_ms = now;
  entry.token_id = "server";
  entry.role = "admin";
  entry.name = "first start";
  entry.action = "token.create";
  entry.target = "token/" + issued.record.id;
  entry.detail_json = nlohmann::json{{"role", "admin"}, {"name", spec.name}}.dump();
  EL_RETURN_IF_ERROR(AuditTable(db).Append(entry).status());
  // The file first: a token whose secret nobody holds must never be committed.
  EL_RETURN_IF_ERROR(WriteSecretFile(result.path, issued.token + "\n"));
  Status committed = tx.Commit();
  if (!committed.ok()) {
    ::unlink(result.path.c_str());
    return committed;
  }
  result.created = true;
  result.token_id = issued.record.id;
  return result;
}

}  // namespace edgeloop::server
