#include "edgeloop/cmd_server.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>

#include "base/strings.h"
#include "bundle/key_file.h"
#include "edgeloop/exit_code.h"
#include "server/control_plane.h"

namespace edgeloop::app {
namespace {

Result<server::ControlPlaneOptions> OptionsFrom(const AppContext& context,
                                                const ServerFlags& flags) {
  server::ControlPlaneOptions options;
  options.home = context.home;
  for (const std::string& path : flags.trust) {
    EL_ASSIGN_OR_RETURN(bundle::PublicKey key, bundle::LoadPublicKey(*context.fs, path));
    options.trusted_keys.push_back(key);
  }
  if (!flags.key.empty()) {
    EL_ASSIGN_OR_RETURN(options.signing_key, bundle::LoadSigningKey(*context.fs, flags.key));
  }
  constexpr int64_t kMaxMb = 4096;
  if (flags.max_body_mb < 1 || flags.max_body_mb > kMaxMb || flags.max_bundle_mb < 1 ||
      flags.max_bundle_mb > kMaxMb) {
    return InvalidArgument("--max-body-mb and --max-bundle-mb must be from 1 to " +
                           std::to_string(kMaxMb));
  }
  if (flags.threads < 1 || flags.threads > 256) {
    return InvalidArgument("--threads " + std::to_string(flags.threads) +
                           " is not from 1 to 256");
  }
  options.max_body_bytes = flags.max_body_mb << 20;
  options.max_bundle_bytes = flags.max_bundle_mb << 20;
  options.threads = flags.threads;
  options.seed = context.random->NextU64();
  return options;
}

}  // namespace

Status ParseListenAddress(std::string_view text, std::string* host, int* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgument("--listen '" + std::string(text) + "': expected HOST:PORT");
  }
  Result<int64_t> number = ParseInt(text.substr(colon + 1));
  if (!number.ok() || *number < 0 || *number > 65535) {
    return InvalidArgument("--listen '" + std::string(text) +
                           "': the port must be a number from 0 to 65535");
  }
  *host = std::string(text.substr(0, colon));
  *port = static_cast<int>(*number);
  return Status::Ok();
}

int RunServer(const AppContext& context, const ServerFlags& flags, const ServerSeams& seams) {
  std::string host;
  int port = 0;
  Status address = ParseListenAddress(flags.listen, &host, &port);
  if (!address.ok()) return ReportFailure(address, context.err);
  Result<server::ControlPlaneOptions> options = OptionsFrom(context, flags);
  if (!options.ok()) return ReportFailure(options.status(), context.err);

  server::ControlPlaneSeams plane_seams{context.fs, context.clock, seams.secrets, context.log};
  Result<std::unique_ptr<server::ControlPlane>> plane =
      server::ControlPlane::Create(*options, plane_seams);
  if (!plane.ok()) return ReportFailure(plane.status(), context.err);
  const server::AdminBootstrap& boot = (*plane)->admin_bootstrap();
  if (boot.created) {
    std::fprintf(context.out,
                 "First start: an admin token was written to %s (readable by you only).\n"
                 "Use it with:\n  export EDGELOOP_TOKEN=$(cat %s)\n",
                 boot.path.c_str(), boot.path.c_str());
  }
  Result<int> bound = (*plane)->Listen(host, port);
  if (!bound.ok()) return ReportFailure(bound.status(), context.err);
  std::fprintf(context.out, "edgeloop server listening on http://%s:%d (home %s)\n", host.c_str(),
               *bound, (*plane)->workspace().home().c_str());
  std::fflush(context.out);
  context.log->Info("serving " + std::to_string((*plane)->routes().size()) + " routes; " +
                    std::to_string(options->trusted_keys.size()) + " trusted key(s); " +
                    (options->signing_key ? "builds bundles" : "no signing key"));

  seams.wait_for_stop(*bound);
  (*plane)->Stop();
  std::fprintf(context.out, "edgeloop server stopped\n");
  std::fflush(context.out);
  return kExitOk;
}

int RunServerUntilSignal(const AppContext& context, const ServerFlags& flags) {
  // Blocked before any server thread starts, so every thread inherits the mask and the signals
  // wait for sigwait below instead of killing the process mid-request.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  server::SodiumSecretSource secrets;
  ServerSeams seams;
  seams.secrets = &secrets;
  seams.wait_for_stop = [&](int) {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    context.log->Info(std::string("stopping on ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM"));
  };
  return RunServer(context, flags, seams);
}

}  // namespace edgeloop::app
